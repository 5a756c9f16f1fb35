import { Color, Icon } from "@raycast/api";
import type { Kind } from "../core/store/index.ts";

/** An icon and a colour per kind, the same in every command. */
export const KIND_ICONS: Record<Kind, { source: Icon; tintColor: Color }> = {
  note: { source: Icon.Document, tintColor: Color.SecondaryText },
  fact: { source: Icon.Info, tintColor: Color.Blue },
  preference: { source: Icon.Heart, tintColor: Color.Magenta },
  decision: { source: Icon.CheckCircle, tintColor: Color.Green },
  state: { source: Icon.Gauge, tintColor: Color.Orange },
};

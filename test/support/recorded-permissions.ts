import type { PermissionKind, Permissions, PermissionStatus } from "../../src/core/adapters/permissions.ts";

/**
 * The permission port with recorded answers, as node-mac-permissions gives them on a Mac.
 *
 * @example
 * const permissions = new RecordedPermissions({ accessibility: "denied" });
 */
export class RecordedPermissions implements Permissions {
  readonly asked: PermissionKind[] = [];
  private readonly answers: Partial<Record<PermissionKind, PermissionStatus>>;

  constructor(answers: Partial<Record<PermissionKind, PermissionStatus>>) {
    this.answers = answers;
  }

  status(kind: PermissionKind): PermissionStatus {
    this.asked.push(kind);
    return this.answers[kind] ?? "unknown";
  }
}

// The part of react-test-renderer 19's API the command tests use (the package ships no types).
declare module "react-test-renderer" {
  import type { ReactElement } from "react";

  export interface ReactTestInstance {
    readonly type: string | ((...args: never[]) => unknown);
    readonly props: Record<string, unknown>;
    readonly parent: ReactTestInstance | null;
    readonly children: (ReactTestInstance | string)[];
    findAll(
      predicate: (node: ReactTestInstance) => boolean,
      options?: { deep?: boolean },
    ): ReactTestInstance[];
  }

  export interface ReactTestRenderer {
    readonly root: ReactTestInstance;
    update(element: ReactElement): void;
    unmount(): void;
  }

  export function create(element: ReactElement): ReactTestRenderer;
}

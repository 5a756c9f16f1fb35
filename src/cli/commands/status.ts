import type { CliCommand } from "../command.ts";

export const status: CliCommand = {
  name: "status",
  summary: "Counts by kind, database path, size and schema version",
  usage: "status",
  args: { min: 0, max: 0 },
  async run(ctx) {
    const status = await ctx.brain().status();
    ctx.print(status, () => {
      const kinds = Object.entries(status.by_kind)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(", ");
      return [
        `database: ${status.db_path}`,
        `size:     ${(status.size_bytes / 1048576).toFixed(1)} MB (${(status.free_bytes / 1048576).toFixed(1)} MB free), schema ${status.schema_version}`,
        ...(status.bytes_per_chunk === null ? [] : [`          ${status.bytes_per_chunk} bytes per chunk`]),
        `entries:  ${status.entries} (${kinds}), ${status.tags} tags`,
        `meaning:  ${status.embedding.configured_model}, ${status.embedding.pending} waiting to be embedded`,
        ...status.embedding.models.map(
          (m) =>
            `          ${m.name} (${m.dimensions}-d): ${m.chunks} vectors${m.active ? ", used by search" : ""}` +
            (m.float32_vectors
              ? `, ${m.float32_vectors} still float32 (the next \`brain embed\` converts them)`
              : "") +
            (m.chunks >= m.residuals_from ? `, new vectors keep residuals (past ${m.residuals_from})` : ""),
        ),
        ...(status.sqlite_vec.loaded
          ? []
          : [
              `sqlite-vec: not loaded (${status.sqlite_vec.error}); meaning search uses a slower built-in cosine`,
            ]),
      ].join("\n");
    });
  },
};

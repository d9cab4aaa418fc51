/**
 * Gives methods of a loaded package definition (@grpc/proto-loader's `loadSync`) other codecs:
 * `byMethod` maps a full method name (`intel.v1.S.M`) to the fields to replace on its method
 * definition (`requestSerialize`, `responseSerialize`, …). Before a client or server is made
 * from the definition; throws when a method is not in it.
 */
export function assignMethodCodecs(
  definition: Record<string, unknown>,
  byMethod: Record<string, object>,
): void {
  for (const [name, codecs] of Object.entries(byMethod)) {
    const at = name.lastIndexOf('.');
    const method = (definition[name.slice(0, at)] as Record<string, object> | undefined)?.[
      name.slice(at + 1)
    ];
    if (!method) throw new Error(`no gRPC method ${name} to give codecs`);
    Object.assign(method, codecs);
  }
}

/** A force nominal in the national index: "<forceCode>:<nominalId>" (the Kafka key too). */
export type MemberKey = string;

export function memberKey(forceCode: string, nominalId: string): MemberKey {
  return `${forceCode}:${nominalId}`;
}

export function splitMemberKey(key: MemberKey): { forceCode: string; nominalId: string } {
  const i = key.indexOf(':');
  return { forceCode: key.slice(0, i), nominalId: key.slice(i + 1) };
}

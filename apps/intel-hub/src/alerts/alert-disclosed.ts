/** The fields of an alert that disclose something. */
export interface AlertLike<T = string, F = string> {
  alertId: string;
  alertType: T;
  nationalPersonId: string;
  flags: F[];
  records: { forceCode: string; entity: string; id: string }[];
}

/**
 * What an alert disclosed, as its audit entry records it (WatchAlerts.delivered, the analysts'
 * inbox): its id, type, person, flags and records.
 */
export function alertDisclosed<T, F>(a: AlertLike<T, F>): AlertLike<T, F> {
  return {
    alertId: a.alertId,
    alertType: a.alertType,
    nationalPersonId: a.nationalPersonId,
    flags: a.flags,
    records: a.records,
  };
}

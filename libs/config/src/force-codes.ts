/**
 * PNC two-digit force codes (docs/domain.md, "Forces"). The code is embedded in Arrest/Summons
 * Numbers; the platform uses it to name forces everywhere ("00" is the national hub itself).
 */
export const FORCES: Readonly<Record<string, string>> = {
  '01': 'Metropolitan Police',
  '03': 'Cumbria',
  '04': 'Lancashire',
  '05': 'Merseyside',
  '06': 'Greater Manchester',
  '07': 'Cheshire',
  '10': 'Northumbria',
  '11': 'Durham',
  '12': 'North Yorkshire',
  '13': 'West Yorkshire',
  '14': 'South Yorkshire',
  '16': 'Humberside',
  '17': 'Cleveland',
  '20': 'West Midlands',
  '21': 'Staffordshire',
  '22': 'West Mercia',
  '23': 'Warwickshire',
  '30': 'Derbyshire',
  '31': 'Nottinghamshire',
  '32': 'Lincolnshire',
  '33': 'Leicestershire',
  '34': 'Northamptonshire',
  '35': 'Cambridgeshire',
  '36': 'Norfolk',
  '37': 'Suffolk',
  '40': 'Bedfordshire',
  '41': 'Hertfordshire',
  '42': 'Essex',
  '43': 'Thames Valley',
  '44': 'Hampshire',
  '45': 'Surrey',
  '46': 'Kent',
  '47': 'Sussex',
  '48': 'City of London',
  '50': 'Devon & Cornwall',
  '52': 'Avon & Somerset',
  '53': 'Gloucestershire',
  '54': 'Wiltshire',
  '55': 'Dorset',
  '60': 'North Wales',
  '61': 'Gwent',
  '62': 'South Wales',
  '63': 'Dyfed-Powys',
  '91': 'National Crime Agency',
  '93': 'British Transport Police',
  '98': 'PSNI',
};

export function isForceCode(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(FORCES, code);
}

export function forceName(code: string): string {
  return FORCES[code] ?? `force ${code}`;
}

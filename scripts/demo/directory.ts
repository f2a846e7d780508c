// The demo directory, from the Jiangxi reform reports (../../../shared/seeds is their source): the
// province office, city offices, pilot enterprises of each kind, demonstration points, and three
// observers per unit drawn from model workers, front-line workers and union cadres.
//
//   npx tsx scripts/demo/directory.ts    rewrites scripts/demo/directory.xlsx from these lists
import fs from 'node:fs';
import path from 'node:path';
import { directoryWorkbooks } from '../../store/directoryWorkbook';

export const DIRECTORY_FILE = path.join(__dirname, 'directory.xlsx');

export const ROOT_OFFICE = { code: 'jx', name: '江西省产改办', level: 'province' } as const;

const OFFICES = [
  { code: 'jx', name: ROOT_OFFICE.name, level: 'province', parentCode: null },
  { code: 'jx-nc', name: '南昌市产改办', level: 'city', parentCode: 'jx' },
  { code: 'jx-ja', name: '吉安市产改办', level: 'city', parentCode: 'jx' },
  { code: 'jx-gz', name: '赣州市产改办', level: 'city', parentCode: 'jx' },
  { code: 'jx-gz-jjkfq', name: '赣州经济技术开发区产改办', level: 'county', parentCode: 'jx-gz' },
];

const UNITS = [
  { code: 'jx-nc-001', name: '南昌航空装备制造试点企业', kind: 'state_owned', officeCode: 'jx-nc' },
  { code: 'jx-nc-002', name: '南昌汽车零部件试点企业', kind: 'private', officeCode: 'jx-nc' },
  { code: 'jx-nc-003', name: '南昌电子信息高新技术企业', kind: 'high_tech', officeCode: 'jx-nc' },
  { code: 'jx-nc-004', name: '南昌纺织服装行业试点', kind: 'industry', officeCode: 'jx-nc' },
  { code: 'jx-nc-005', name: '南昌小微企业产改示范点', kind: 'demo_point', officeCode: 'jx-nc' },
  { code: 'jx-ja-001', name: '江铜集团吉安试点单位', kind: 'state_owned', officeCode: 'jx-ja' },
  { code: 'jx-ja-002', name: '吉安电子信息产业试点企业', kind: 'high_tech', officeCode: 'jx-ja' },
  { code: 'jx-ja-003', name: '吉安“校中厂”产教融合示范点', kind: 'demo_point', officeCode: 'jx-ja' },
  { code: 'jx-ja-004', name: '吉安中小微企业联合试点', kind: 'sme', officeCode: 'jx-ja' },
  { code: 'jx-ja-005', name: '吉安市井冈山乡镇试点', kind: 'town', officeCode: 'jx-ja' },
  { code: 'jx-gz-001', name: '赣州君拓网络科技有限公司', kind: 'private', officeCode: 'jx-gz' },
  { code: 'jx-gz-002', name: '江西翰德科技有限公司', kind: 'high_tech', officeCode: 'jx-gz-jjkfq' },
  { code: 'jx-gz-003', name: '赣州基层工会产改示范点', kind: 'demo_point', officeCode: 'jx-gz' },
];

const ROLES = [
  ['model_worker', '劳模'],
  ['frontline', '一线职工'],
  ['union_cadre', '工会干部'],
] as const;

const OBSERVERS = UNITS.flatMap((u) => ROLES.map(([role, label], i) => ({ code: `${u.code}-obs${i + 1}`, name: `${label}观察员${u.code.slice(-3)}-${i + 1}`, role, unitCode: u.code })));

export const DEMO_UNIT_CODES = UNITS.map((u) => u.code);

if (require.main === module) {
  void directoryWorkbooks({ offices: OFFICES, units: UNITS, observers: OBSERVERS }).then((bytes) => {
    fs.writeFileSync(DIRECTORY_FILE, bytes);
    console.log(`wrote ${path.relative(process.cwd(), DIRECTORY_FILE)}: ${OFFICES.length} offices, ${UNITS.length} units, ${OBSERVERS.length} observers`);
  });
}

// The bench population: holder n has a deterministic, valid holder code and 1 to 3 licences, so
// the load generator (another process) can name any holder without being sent a list.
//   even n: a legal person (001, unified social credit code) holding business licences;
//   odd n:  a natural person (111, citizen identity number) holding operator certificates.
import { core } from "./dist.mjs";

const { computeCitizenIdCheck, computeUsccCheck } = core;

const DAY = 86_400_000;
const EPOCH_1950 = Date.UTC(1950, 0, 1);

/** Holder n's code (n < 10^9). */
export function holderCode(n) {
  if (n % 2 === 0) {
    const body = `91330100${String(n).padStart(9, "0")}`;
    return { idType: "001", idNumber: body + computeUsccCheck(body) };
  }
  // 1000 people per birth day: n < 10^9 stays within 1950–4700, all real calendar dates.
  const born = new Date(EPOCH_1950 + Math.floor(n / 1000) * DAY).toISOString().slice(0, 10).replaceAll("-", "");
  const body = `330106${born}${String(n % 1000).padStart(3, "0")}`;
  return { idType: "111", idNumber: body + computeCitizenIdCheck(body) };
}

/** How many licences holder n has: 1, 2 or 3 (mean 2), spread by a multiplicative hash. */
export function licencesOf(n) {
  return 1 + (Math.imul(n + 1, 0x9e3779b1) >>> 29) % 3;
}

/**
 * The holders whose licences all fit in the first `total` licences, in order, and the number of
 * licences they hold (≤ total). Licences are given out holder by holder.
 */
export function population(total) {
  let holders = 0;
  let licences = 0;
  while (licences + licencesOf(holders) <= total) licences += licencesOf(holders++);
  return { holders, licences };
}

/** The request path of holder n's lookup. */
export function holderPath(n) {
  const { idType, idNumber } = holderCode(n);
  return `/v1/holders/${idType}/${idNumber}/licences`;
}

/** The issue item for holder n's k-th licence (k from 0). */
export function issueItem(types, n, k) {
  const { idType, idNumber } = holderCode(n);
  if (idType === "001") {
    return {
      type: types.business,
      holder: { name: `示例科技有限公司${n}`, idType, idNumber },
      fields: {
        name: `示例科技有限公司${n}`,
        entityType: "有限责任公司（自然人投资或控股）",
        legalRepresentative: "李四",
        establishedOn: "2020-05-18",
        businessScope: k === 0 ? "软件开发；信息技术咨询服务" : `软件开发；信息技术咨询服务；分支机构${k}`,
        registeredCapital: String(100 + (n % 900)),
        address: `示例市示例区示例路${n}号`,
        legalRepresentativeIdNumber: "440524188001010014",
      },
    };
  }
  return {
    type: types.operator,
    holder: { name: `张三${n}`, idType, idNumber },
    fields: {
      operationCategory: ["电工作业", "焊接与热切割作业", "高处作业"][k % 3],
      operationItem: "低压电工作业",
      firstIssuedOn: "2019-03-01",
      gender: n % 4 === 1 ? "男" : "女",
      birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      homeAddress: `示例市示例区示例街${n}号`,
    },
  };
}

/** Issue items for holders [from, to), every licence of each. */
export function itemsFor(types, from, to) {
  const items = [];
  for (let n = from; n < to; n++) for (let k = 0; k < licencesOf(n); k++) items.push(issueItem(types, n, k));
  return items;
}

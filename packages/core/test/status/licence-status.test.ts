import { describe, expect, it } from "vitest";
import {
  LICENCE_STATUS_BITS,
  LICENCE_STATUS_VALUES,
  STATUS_TYPE,
  StatusList,
  statusFromValue,
} from "../../src/status/index.js";
import { isLicenceError } from "../../src/errors/errors.js";
import type { LicenceStatus } from "../../src/licence/model.js";

describe("licence statuses in a 2-bit status list", () => {
  it("maps every licence status onto the draft's registered values", () => {
    expect(LICENCE_STATUS_VALUES).toEqual({ active: 0, suspended: 2, revoked: 1, cancelled: 1, superseded: 1 });
    expect(STATUS_TYPE).toEqual({ VALID: 0, INVALID: 1, SUSPENDED: 2, APPLICATION_SPECIFIC: 3 });
    expect(Object.isFrozen(LICENCE_STATUS_VALUES)).toBe(true);
  });

  it("every value fits in LICENCE_STATUS_BITS and reads back as valid, suspended or invalid", () => {
    const statuses = Object.keys(LICENCE_STATUS_VALUES) as LicenceStatus[];
    const list = new StatusList(statuses.length, LICENCE_STATUS_BITS);
    statuses.forEach((s, i) => list.set(i, LICENCE_STATUS_VALUES[s]));
    const read = StatusList.fromJSON(list.toJSON());
    expect(statuses.map((_, i) => statusFromValue(read.get(i)))).toEqual(["valid", "suspended", "invalid", "invalid", "invalid"]);
  });

  it("fails closed on values eLicence never publishes", () => {
    for (const value of [3, 4, 12, 255]) {
      let caught: unknown;
      try {
        statusFromValue(value);
      } catch (err) {
        caught = err;
      }
      expect(isLicenceError(caught, "ERR_STATUS_LIST_INVALID"), String(value)).toBe(true);
    }
    for (const value of [-1, 256, 1.5, Number.NaN]) expect(() => statusFromValue(value)).toThrow(TypeError);
  });
});

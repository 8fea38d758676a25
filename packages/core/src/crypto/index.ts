/**
 * The crypto backend chosen for this platform by the `#crypto-backend` import condition.
 * @module
 */
export { backend } from "#crypto-backend";

export { judgeAddress, checkHost, literalRefusal, publicOnlyLookup, RefusedAddressError, type AddressVerdict, type HostProblem } from './addresses';

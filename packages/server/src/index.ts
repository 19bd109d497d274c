export { signHs256Jwt, verifyHs256Jwt, type JwtClaims, type VerifyJwtOptions } from './jwt'

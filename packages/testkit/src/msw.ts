/** The testkit's msw helper, apart so that `msw` stays an optional peer dependency of `@callport/testkit`. */
export { useMswServer } from './helpers/msw-server'

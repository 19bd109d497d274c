/**
 * Published Vidyo.io token test vector A (S-Tim/VidyoTokenGenerator's tests, reproduced byte-exactly
 * in the project's vendor reference, §3.1).
 */
export const vectorA = {
  developerKey: 'rUlaMASgt1Byi4Kp3sKYDeQzo',
  appId: 'ApplicationID',
  userName: 'user1',
  expiresAt: '2055-10-27T10:54:22Z',
  expires: '64875466462',
  vCard: '',
  mac: '09a7d43012779d9d3e89c4e289ee04e41de90ab27d9ac7ebe70fa064348778d3048c0a728ee8b4900318e1edc68dcccd',
  token:
    'cHJvdmlzaW9uAHVzZXIxQEFwcGxpY2F0aW9uSUQANjQ4NzU0NjY0NjIAADA5YTdkNDMwMTI3NzlkOWQzZTg5YzRlMjg5ZWUwNGU0MWRlOTBhYjI3ZDlhYzdlYmU3MGZhMDY0MzQ4Nzc4ZDMwNDhjMGE3MjhlZThiNDkwMDMxOGUxZWRjNjhkY2NjZA==',
} as const

// A real OpenID Connect provider for the sign-in tests: panva/node-oidc-provider,
// configured from environment variables by tests/auth/oidc_provider.py.
//   PORT                 where to listen on 127.0.0.1 (the issuer is http://127.0.0.1:PORT)
//   OIDC_CLIENT_ID       the one confidential client (Góp Ý's aggregator)
//   OIDC_CLIENT_SECRET
//   OIDC_REDIRECT_URIS   comma-separated
//   OIDC_ACCOUNTS_FILE   JSON {"<sub>": {"email": ..., "email_verified": ..., "name": ..., "roles": [...]}},
//                        read at every look-up so a test can change a person at the provider
// Sign-in uses the library's development pages: type the account's sub as the login.
import crypto from 'node:crypto';
import fs from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = () => JSON.parse(fs.readFileSync(process.env.OIDC_ACCOUNTS_FILE, 'utf8'));

// A fresh RS256 signing key per run: the relying party must fetch it from jwks_uri.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `k${port}`, alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: (process.env.OIDC_REDIRECT_URIS || '').split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    roles: ['roles'],
  },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, sub) {
    const account = accounts()[sub];
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account }; } };
  },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc provider ready at ${issuer}`);
});

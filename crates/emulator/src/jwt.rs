//! RS256 tokens the emulator signs: `Authorization: Bearer` on every callback
//! (issuer = the emulator's base URL, audience = the resource id, 5-minute lifetime),
//! and the JWKS / OpenID configuration a receiver verifies them with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{Keypair as _, SignatureEncoding, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Lifetime of a callback token, as documented for the service.
pub const TOKEN_LIFETIME_S: u64 = 300;
/// Lifetime of an emulated Entra access token (Entra's are 60–90 minutes).
pub const ENTRA_TOKEN_LIFETIME_S: i64 = 3600;
/// Event Grid's first-party application id: the `azp`/`appid` of the Entra tokens Event Grid
/// presents to an Entra-protected webhook.
pub const EVENT_GRID_APP_ID: &str = "4962773b-9cdb-44cf-a8bf-237846a00ab7";
/// The app role a webhook application grants Event Grid (Microsoft's documented name).
pub const EVENT_GRID_ROLE: &str = "AzureEventGridSecureWebhookSubscriber";

/// What an emulated Entra access token says (the emulator's stand-in for Microsoft Entra ID
/// issuing Event Grid a token for a webhook application).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntraClaims<'a> {
    /// `<base>/entra`: v2 tokens are issued by `<authority>/<tenant>/v2.0`, v1 tokens by
    /// `<authority>/<tenant>/` (the rule callsteer's verifier applies to non-public authorities).
    pub authority: &'a str,
    pub tenant: &'a str,
    pub audience: &'a str,
    /// 1 or 2.
    pub version: u8,
    /// Seconds from now to `exp`; negative for an already expired token.
    pub expires_in: i64,
}

impl EntraClaims<'_> {
    /// The issuer this token names.
    pub fn issuer(&self) -> String {
        match self.version {
            1 => format!("{}/{}/", self.authority, self.tenant),
            _ => format!("{}/{}/v2.0", self.authority, self.tenant),
        }
    }

    /// The claims at `now_s`.
    pub fn to_json(&self, now_s: u64) -> Value {
        let now = now_s as i64;
        let party = if self.version == 1 { "appid" } else { "azp" };
        let exp = (now + self.expires_in).max(0);
        // Issued one lifetime before it expires (so an expired token was valid once).
        let iat = (exp - ENTRA_TOKEN_LIFETIME_S).clamp(0, now);
        json!({
            "iss": self.issuer(), "aud": self.audience, "tid": self.tenant,
            "iat": iat, "nbf": iat, "exp": exp,
            party: EVENT_GRID_APP_ID, "sub": EVENT_GRID_APP_ID, "oid": EVENT_GRID_APP_ID,
            "roles": [EVENT_GRID_ROLE], "ver": if self.version == 1 { "1.0" } else { "2.0" },
        })
    }
}

/// An RSA key pair that signs tokens and publishes its public half.
pub struct Signer {
    signing: SigningKey<Sha256>,
    verifying: VerifyingKey<Sha256>,
    kid: String,
    n: String,
    e: String,
}

impl core::fmt::Debug for Signer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Signer")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A fresh 2048-bit key.
    ///
    /// # Errors
    /// The RSA library's reason if key generation fails.
    pub fn generate<R: rand::CryptoRng + rand::RngCore>(rng: &mut R) -> Result<Self, String> {
        let key = RsaPrivateKey::new(rng, 2048).map_err(|e| e.to_string())?;
        let n = B64.encode(key.n().to_bytes_be());
        let e = B64.encode(key.e().to_bytes_be());
        let kid = B64.encode(&Sha256::digest(format!("{n}.{e}"))[..12]);
        let signing = SigningKey::<Sha256>::new(key);
        let verifying = signing.verifying_key();
        Ok(Signer {
            signing,
            verifying,
            kid,
            n,
            e,
        })
    }

    /// Signs `claims` as a compact JWS.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid });
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let sig = self.signing.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(sig.to_bytes()))
    }

    /// A callback token: `iss`, `aud`, `iat`, `nbf`, `exp` = `now_s` + 5 min.
    pub fn token(&self, issuer: &str, audience: &str, now_s: u64) -> String {
        self.sign(&json!({ "iss": issuer, "aud": audience, "iat": now_s, "nbf": now_s, "exp": now_s + TOKEN_LIFETIME_S }))
    }

    /// Verifies a token this key signed: alg RS256, signature, `aud`, `exp`/`nbf` at `now_s`.
    ///
    /// # Errors
    /// A reason when any check fails.
    pub fn verify(&self, token: &str, audience: &str, now_s: u64) -> Result<Value, String> {
        let mut parts = token.split('.');
        let (Some(h), Some(c), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("token is not a compact JWS".into());
        };
        let header: Value = decode_part(h)?;
        if header["alg"] != "RS256" {
            return Err("token alg must be RS256".into());
        }
        let sig = B64.decode(s).map_err(|_| "signature is not base64url")?;
        let sig = Signature::try_from(sig.as_slice()).map_err(|_| "malformed signature")?;
        self.verifying
            .verify(format!("{h}.{c}").as_bytes(), &sig)
            .map_err(|_| "signature does not verify")?;
        let claims: Value = decode_part(c)?;
        if claims["aud"] != audience {
            return Err("wrong audience".into());
        }
        let exp = claims["exp"].as_u64().ok_or("no exp")?;
        let nbf = claims["nbf"].as_u64().unwrap_or(0);
        if now_s >= exp || now_s + 60 < nbf {
            return Err("token expired or not yet valid".into());
        }
        Ok(claims)
    }

    /// `{"keys": [{kty, use, alg, kid, n, e}]}`.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": self.n, "e": self.e }] })
    }
}

fn decode_part(part: &str) -> Result<Value, String> {
    let bytes = B64.decode(part).map_err(|_| "segment is not base64url")?;
    serde_json::from_slice(&bytes).map_err(|_| "segment is not JSON".to_string())
}

/// The OpenID configuration of the emulated Entra tenant (`<authority>/<tenant>/v2.0/.well-known/openid-configuration`).
pub fn entra_openid_configuration(authority: &str, tenant: &str) -> Value {
    json!({
        "issuer": format!("{authority}/{tenant}/v2.0"),
        "jwks_uri": format!("{authority}/{tenant}/discovery/v2.0/keys"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["pairwise"],
        "tenant_region_scope": "emulator",
    })
}

/// The OpenID configuration served at `/calling/.well-known/acsopenidconfiguration`.
pub fn openid_configuration(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/calling/keys"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn tokens_verify_and_expire() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let s = Signer::generate(&mut rng).unwrap();
        let t = s.token("http://127.0.0.1:1", "res-1", 1_000);
        let claims = s.verify(&t, "res-1", 1_100).unwrap();
        assert_eq!(claims["iss"], "http://127.0.0.1:1");
        assert_eq!(claims["exp"], 1_300);
        assert!(s.verify(&t, "res-2", 1_100).is_err());
        assert!(s.verify(&t, "res-1", 1_300).is_err());
        let mut tampered = t.clone();
        tampered.insert(t.find('.').unwrap() + 2, 'x');
        assert!(s.verify(&tampered, "res-1", 1_100).is_err());
        let jwks = s.jwks();
        assert_eq!(jwks["keys"][0]["alg"], "RS256");
        assert_eq!(jwks["keys"][0]["e"], "AQAB");
    }
}

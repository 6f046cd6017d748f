// The identity tls.client-auth offers to prove the broker refuses certificates from a CA it does not
// trust. It exists only to be refused: its key is public on purpose (it is in this file, in every
// copy of the tool), so it is no secret and never stands for anyone. Shipping it pre-made spares each
// run loading a certificate library and making keys (about 200 ms). Made with src/lab/pki.ts; valid
// 2025-01-01 to 2125-01-01 so a broker's clock never turns the refusal into a date question.

/** The throwaway CA that issued the certificate below; no broker trusts it. */
export const THROWAWAY_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBsDCCAVagAwIBAgIIGKwHyOL15MEwCgYIKoZIzj0EAwIwOzEiMCAGA1UEAxMZ
bGFtcGktZG9jdG9yIHRocm93YXdheSBDQTEVMBMGA1UEChMMbGFtcGktZG9jdG9y
MCAXDTI1MDEwMTAwMDAwMFoYDzIxMjUwMTAxMDAwMDAwWjA7MSIwIAYDVQQDExls
YW1waS1kb2N0b3IgdGhyb3dhd2F5IENBMRUwEwYDVQQKEwxsYW1waS1kb2N0b3Iw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS7pHEedZw/gM9+h+CJPM578IVmPiEw
n1ysjP/SRb67zJz7iEg1t/GP+NQJoYRqLyPPzm7TLdmBypx/9mEeapC6o0IwQDAP
BgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUyQWPXeua
Y02We0yRgcJoWsfn1CAwCgYIKoZIzj0EAwIDSAAwRQIgQqaDMQJ1AcuPRdEQwKeX
8cE9jW+QLBTCfQBCUnbR+90CIQCYZuF0pJFLuy1cWUBwIuouhFlfK8RCZOq/3WPg
xldJtw==
-----END CERTIFICATE-----`;

/** CN=lampi-doctor-untrusted, extendedKeyUsage clientAuth, issued by THROWAWAY_CA_PEM. */
export const THROWAWAY_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIB3zCCAYagAwIBAgIIH8OAxtk0y/wwCgYIKoZIzj0EAwIwOzEiMCAGA1UEAxMZ
bGFtcGktZG9jdG9yIHRocm93YXdheSBDQTEVMBMGA1UEChMMbGFtcGktZG9jdG9y
MCAXDTI1MDEwMTAwMDAwMFoYDzIxMjUwMTAxMDAwMDAwWjA4MR8wHQYDVQQDExZs
YW1waS1kb2N0b3ItdW50cnVzdGVkMRUwEwYDVQQKEwxsYW1waS1kb2N0b3IwWTAT
BgcqhkjOPQIBBggqhkjOPQMBBwNCAARctT1DmH2tS4d9mPhByh2TJwp9JssTbcJp
hKlyoG316Eo2BGu36Tv8ZYdUqRiVHZ0AR3qFARfYYIOW21MJ2wxgo3UwczAMBgNV
HRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIFoDATBgNVHSUEDDAKBggrBgEFBQcDAjAd
BgNVHQ4EFgQUStblg2TrNstAnonxbLzzRpYkF/MwHwYDVR0jBBgwFoAUyQWPXeua
Y02We0yRgcJoWsfn1CAwCgYIKoZIzj0EAwIDRwAwRAIgWj2PT1yFWCvAzLelAPv8
llzS5cVrzXKbobmBMiHU6mQCIANZOFwBtQlN3abgj6KvcT56eQ4i4W4P3pAVSPur
oiGb
-----END CERTIFICATE-----`;

export const THROWAWAY_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgO1U+uJso/Dvf9gAv
LmJWh8F137udvKI8onRbMHhRLs+hRANCAARctT1DmH2tS4d9mPhByh2TJwp9JssT
bcJphKlyoG316Eo2BGu36Tv8ZYdUqRiVHZ0AR3qFARfYYIOW21MJ2wxg
-----END PRIVATE KEY-----`;

//! TLS to the PostgreSQL state server, with libpq's `sslmode` and `sslrootcert`.
//!
//! Managed PostgreSQL services (and any server across a network) want TLS; people already
//! write their URLs for libpq (`psql`). The client library knows only `disable`, `prefer`
//! and `require`, and verifies nothing by itself, so this module reads the two settings out
//! of the URL and builds the rustls configuration they mean:
//!
//! | `sslmode` | encrypted | certificate checked |
//! |---|---|---|
//! | `disable` | no | — |
//! | `allow`, `prefer` (the default) | when the server offers it | only with `sslrootcert` (as `verify-ca`) |
//! | `require` | yes | only with `sslrootcert` (as `verify-ca`) |
//! | `verify-ca` | yes | signed by a trusted root |
//! | `verify-full` | yes | signed by a trusted root, and names the host |
//!
//! Trusted roots: the PEM file `sslrootcert` names; `sslrootcert=system`, or no
//! `sslrootcert` with a `verify-` mode, the system's (`~/.postgresql/root.crt` first when it
//! exists, as libpq reads it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

/// What the URL asks of TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// The URL's TLS settings, and the URL without those the client library cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub url: String,
    pub mode: Mode,
    /// `sslrootcert`: a PEM file, or `system`.
    pub root: Option<String>,
}

/// Reads `sslmode` and `sslrootcert` out of a `postgres://` URL's query (or a key/value
/// string's words); everything else stays in the connection string returned. An unknown
/// `sslmode` is refused.
pub fn split(url: &str) -> Result<Settings, String> {
    let is_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let (base, rest, sep) = match url.split_once('?') {
        Some((base, query)) if is_url => (base, query, '&'),
        None if is_url => (url, "", '&'),
        _ => ("", url, ' '),
    };
    let (mut mode, mut root) = (Mode::Prefer, None);
    let mut kept = Vec::new();
    for pair in rest.split(sep).filter(|p| !p.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        // A URL's values are percent-encoded, as the claim refs' are.
        let value = || match is_url {
            true => super::git_claims::decode_component(raw)
                .ok_or_else(|| format!("{key}={raw} is not valid percent-encoding")),
            false => Ok(raw.to_string()),
        };
        match key.trim() {
            "sslmode" => mode = parse_mode(&value()?)?,
            "sslrootcert" => root = Some(value()?),
            _ => kept.push(pair),
        }
    }
    let url = match (is_url, kept.is_empty()) {
        (true, true) => base.to_string(),
        (true, false) => format!("{base}?{}", kept.join("&")),
        (false, _) => kept.join(" "),
    };
    Ok(Settings { url, mode, root })
}

fn parse_mode(value: &str) -> Result<Mode, String> {
    Ok(match value {
        "disable" => Mode::Disable,
        "allow" | "prefer" => Mode::Prefer,
        "require" => Mode::Require,
        "verify-ca" => Mode::VerifyCa,
        "verify-full" => Mode::VerifyFull,
        other => {
            return Err(format!(
                "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, \
                 verify-full"
            ));
        }
    })
}

impl Settings {
    /// The client library's own mode for these settings.
    pub fn ssl_mode(&self) -> postgres::config::SslMode {
        match self.mode {
            Mode::Disable => postgres::config::SslMode::Disable,
            Mode::Prefer => postgres::config::SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => postgres::config::SslMode::Require,
        }
    }

    /// The TLS connector these settings mean (None: `disable`).
    pub fn connector(&self) -> Result<Option<MakeRustlsConnect>, String> {
        let checks = match (self.mode, &self.root) {
            (Mode::Disable, _) => return Ok(None),
            (Mode::VerifyFull, _) => Checks::Full,
            (Mode::VerifyCa, _) | (_, Some(_)) => Checks::Chain,
            _ => Checks::None,
        };
        // ring, not aws-lc-rs: it builds with cc alone, in seconds. rustls marks it deprecated
        // for lacking post-quantum key exchange, which PostgreSQL servers do not offer yet.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn ServerCertVerifier> = match checks {
            Checks::None => Arc::new(Unchecked(provider.signature_verification_algorithms)),
            Checks::Chain | Checks::Full => {
                let roots = Arc::new(self.roots()?);
                let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                    roots,
                    Arc::clone(&provider),
                )
                .build()
                .map_err(|e| format!("cannot check the server's certificate: {e}"))?;
                Arc::new(Chain {
                    webpki,
                    names: checks == Checks::Full,
                })
            }
        };
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Some(MakeRustlsConnect::new(config)))
    }

    /// The roots a certificate must chain to.
    fn roots(&self) -> Result<RootCertStore, String> {
        let mut store = RootCertStore::empty();
        let file = match self.root.as_deref() {
            Some("system") => None,
            Some(path) => Some(PathBuf::from(path)),
            None => home_root_cert(),
        };
        match file {
            Some(path) => {
                let certs = CertificateDer::pem_file_iter(&path)
                    .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                    .map_err(|e| format!("sslrootcert {}: {e}", path.display()))?;
                let (added, _) = store.add_parsable_certificates(certs);
                if added == 0 {
                    return Err(format!(
                        "sslrootcert {}: no certificate in it",
                        path.display()
                    ));
                }
            }
            None => {
                let found = rustls_native_certs::load_native_certs();
                store.add_parsable_certificates(found.certs);
                if store.is_empty() {
                    return Err("no trusted root certificates on this system: name a file \
                                with sslrootcert"
                        .to_string());
                }
            }
        }
        Ok(store)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    None,
    Chain,
    Full,
}

/// libpq's `~/.postgresql/root.crt`, when it exists.
fn home_root_cert() -> Option<PathBuf> {
    let path = Path::new(&std::env::var_os("HOME")?).join(".postgresql/root.crt");
    path.is_file().then_some(path)
}

/// `require` and `prefer` without a root: encrypted, the certificate taken as it comes
/// (libpq does the same). The handshake's signatures are still checked.
#[derive(Debug)]
struct Unchecked(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// `verify-ca` (the chain only) and `verify-full` (the chain and the host's name).
#[derive(Debug)]
struct Chain {
    webpki: Arc<rustls::client::WebPkiServerVerifier>,
    names: bool,
}

impl ServerCertVerifier for Chain {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            // The chain held; only the name did not match, which `verify-ca` does not ask.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.names => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_settings_are_read_out_of_the_url_and_the_rest_kept() {
        let s = split("postgres://u:p@db:5432/state?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=3")
            .expect("reads");
        assert_eq!(s.url, "postgres://u:p@db:5432/state?connect_timeout=3");
        assert_eq!(s.mode, Mode::VerifyFull);
        assert_eq!(s.root.as_deref(), Some("/etc/ca.pem"));
        let plain = split("postgres://db/state").expect("reads");
        assert_eq!(
            (plain.url.as_str(), plain.mode, plain.root),
            ("postgres://db/state", Mode::Prefer, None)
        );
        assert_eq!(
            split("postgres://db/s?sslmode=disable")
                .expect("reads")
                .mode,
            Mode::Disable
        );
        let bad = split("postgres://db/s?sslmode=sometimes").expect_err("refused");
        assert!(bad.contains("sslmode=sometimes"), "{bad}");
        let bad = split("postgres://db/s?sslrootcert=%zz.pem").expect_err("refused");
        assert!(bad.contains("not valid percent-encoding"), "{bad}");
        let words =
            split("host=db dbname=state sslmode=verify-ca sslrootcert=/ca.pem").expect("reads");
        assert_eq!(words.url, "host=db dbname=state");
        assert_eq!(
            (words.mode, words.root.as_deref()),
            (Mode::VerifyCa, Some("/ca.pem"))
        );
    }

    #[test]
    fn a_missing_root_file_is_named() {
        let s =
            split("postgres://db/s?sslmode=verify-ca&sslrootcert=/no/such/ca.pem").expect("reads");
        let err = s.connector().map(|_| ()).expect_err("no file");
        assert!(err.contains("/no/such/ca.pem"), "{err}");
        assert!(
            split("postgres://db/s?sslmode=disable")
                .expect("reads")
                .connector()
                .expect("builds")
                .is_none()
        );
        assert!(
            split("postgres://db/s?sslmode=require")
                .expect("reads")
                .connector()
                .expect("builds")
                .is_some()
        );
    }
}

//! TLS settings: which certificates to trust.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use omnivirt_core::{Error, ErrorKind, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

/// Which server certificates the client trusts.
///
/// By default the Mozilla roots (webpki-roots) are trusted and verification is on. Engines with
/// their own CA (oVirt's `ca.pem`, a private CloudTower) add it with [`TlsOptions::ca_file`];
/// [`TlsOptions::insecure`] turns verification off and is meant only for throw-away labs.
///
/// Deserialisable from a config file:
///
/// ```
/// use omnivirt_http::TlsOptions;
///
/// let tls: TlsOptions = serde_json::from_str(r#"{"ca_file": "/etc/pki/ovirt-engine/ca.pem"}"#).unwrap();
/// assert!(!tls.is_insecure());
/// let tls = TlsOptions::builder().ca_file("/etc/pki/ovirt-engine/ca.pem").build();
/// assert_eq!(tls.ca_file().unwrap().to_str(), Some("/etc/pki/ovirt-engine/ca.pem"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TlsOptions {
    /// A PEM bundle of extra CA certificates trusted beside the built-in roots.
    pub ca_file: Option<PathBuf>,
    /// Accept any server certificate. Logs a warning each time a client is built.
    pub insecure: bool,
    /// Leave out the built-in Mozilla roots: trust only `ca_file`.
    pub no_builtin_roots: bool,
}

impl TlsOptions {
    /// A builder starting from the defaults (built-in roots, verification on).
    pub fn builder() -> TlsOptionsBuilder {
        TlsOptionsBuilder::default()
    }

    /// The extra CA bundle, if any.
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    /// True if verification is turned off.
    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    /// Builds the rustls client configuration (ring provider, no ALPN yet).
    ///
    /// A missing, unreadable or certificate-less `ca_file` is an [`ErrorKind::Config`] error
    /// that names the path.
    pub fn client_config(&self) -> Result<ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| {
                Error::new(ErrorKind::Config, format!("cannot set up TLS: {e}")).with_source(e)
            })?;
        if self.insecure {
            tracing::warn!(
                "TLS certificate verification is DISABLED (insecure = true); \
                 anyone on the network path can read and change this traffic"
            );
            let verifier = Arc::new(AcceptAnyCert {
                algorithms: provider.signature_verification_algorithms,
            });
            return Ok(builder
                .dangerous()
                .with_custom_certificate_verifier(verifier)
                .with_no_client_auth());
        }
        let mut roots = RootCertStore::empty();
        if !self.no_builtin_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        let named = match &self.ca_file {
            Some(path) => add_ca_file(&mut roots, path)?,
            None => Vec::new(),
        };
        if roots.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                "no trusted CA certificates: built-in roots are off and no ca_file was given",
            ));
        }
        if named.is_empty() {
            return Ok(builder.with_root_certificates(roots).with_no_client_auth());
        }
        let webpki =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| {
                    Error::new(ErrorKind::Config, format!("cannot set up TLS: {e}")).with_source(e)
                })?;
        let verifier = Arc::new(AnchorsOrNamed { webpki, named });
        Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth())
    }
}

/// Adds the certificates of `path` to `roots` and returns them.
fn add_ca_file(roots: &mut RootCertStore, path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("cannot read ca_file {shown}: {e}"),
        )
        .with_source(e)
    })?;
    let mut added = Vec::new();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("ca_file {shown} is not a valid PEM bundle: {e}"),
            )
        })?;
        roots.add(cert.clone()).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("ca_file {shown} holds a certificate that cannot be a trust anchor: {e}"),
            )
            .with_source(e)
        })?;
        added.push(cert);
    }
    if added.is_empty() {
        return Err(Error::new(
            ErrorKind::Config,
            format!(
                "ca_file {shown} contains no PEM certificate (expected -----BEGIN CERTIFICATE-----)"
            ),
        ));
    }
    Ok(added)
}

/// The verifier used when the user names a `ca_file`: ordinary chain verification against the
/// roots, and besides that the certificates of the file itself accepted as the server's own.
///
/// Many engines run with a self-signed certificate made by `openssl req -x509`, which is marked
/// as a CA; webpki refuses a CA certificate in the server's place (`CaUsedAsEndEntity`) even
/// when it is the very anchor the user named, while curl and OpenSSL accept it. Here a server
/// certificate byte-for-byte equal to one the user named is trusted as itself (the user pinned
/// it); its host name is still checked, and the handshake signatures are verified as usual.
struct AnchorsOrNamed {
    webpki: Arc<rustls::client::WebPkiServerVerifier>,
    named: Vec<CertificateDer<'static>>,
}

impl fmt::Debug for AnchorsOrNamed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnchorsOrNamed")
            .field("named", &self.named.len())
            .finish_non_exhaustive()
    }
}

impl ServerCertVerifier for AnchorsOrNamed {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let verdict = self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verdict {
            Err(rustls::Error::InvalidCertificate(_))
                if self.named.iter().any(|c| c.as_ref() == end_entity.as_ref()) =>
            {
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                rustls::client::verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// Builder for [`TlsOptions`].
#[derive(Debug, Clone, Default)]
pub struct TlsOptionsBuilder {
    inner: TlsOptions,
}

impl TlsOptionsBuilder {
    /// Trusts the CA certificates in this PEM file beside the built-in roots.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.inner.ca_file = Some(path.into());
        self
    }

    /// Turns certificate verification off (or back on). Use only for labs.
    pub fn insecure(mut self, yes: bool) -> Self {
        self.inner.insecure = yes;
        self
    }

    /// Leaves the built-in roots out, so only `ca_file` is trusted.
    pub fn no_builtin_roots(mut self, yes: bool) -> Self {
        self.inner.no_builtin_roots = yes;
        self
    }

    /// The options.
    pub fn build(self) -> TlsOptions {
        self.inner
    }
}

/// The verifier behind `insecure = true`: any chain is accepted, but handshake signatures
/// are still checked so the session keys belong to whoever sent the certificate.
struct AcceptAnyCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl fmt::Debug for AcceptAnyCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AcceptAnyCert")
    }
}

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_ca_file_is_a_config_error_naming_the_path() {
        let tls = TlsOptions::builder()
            .ca_file("/nonexistent/omnivirt/ca.pem")
            .build();
        let err = tls.client_config().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(
            err.message().contains("/nonexistent/omnivirt/ca.pem"),
            "{err}"
        );
    }

    #[test]
    fn ca_file_without_certificates_is_a_config_error() {
        let path = std::env::temp_dir().join(format!(
            "omnivirt-http-empty-{}-{}.pem",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = TlsOptions::builder()
            .ca_file(&path)
            .build()
            .client_config()
            .unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("no PEM certificate"), "{err}");
        assert!(err.message().contains(&*path.to_string_lossy()), "{err}");
    }

    #[test]
    fn defaults_verify_with_builtin_roots() {
        let tls = TlsOptions::default();
        assert!(!tls.is_insecure());
        assert!(tls.client_config().is_ok());
        let none = TlsOptions::builder().no_builtin_roots(true).build();
        assert_eq!(none.client_config().unwrap_err().kind(), ErrorKind::Config);
    }

    #[test]
    fn deserialises_from_config() {
        let tls: TlsOptions = serde_json::from_str(r#"{"insecure": true}"#).unwrap();
        assert!(tls.is_insecure());
        assert!(serde_json::from_str::<TlsOptions>(r#"{"insecur": true}"#).is_err());
    }

    #[test]
    fn insecure_logs_a_warning() {
        #[derive(Clone, Default)]
        struct Buf(Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let w = buf.clone();
        let sub = tracing_subscriber::fmt()
            .with_writer(move || w.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(sub, || {
            TlsOptions::default().client_config().unwrap();
            TlsOptions::builder()
                .insecure(true)
                .build()
                .client_config()
                .unwrap();
        });
        let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(out.matches("WARN").count(), 1, "{out}");
        assert!(out.contains("verification is DISABLED"), "{out}");
    }
}

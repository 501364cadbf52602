//! `certify` against an https adapter that requires a TLS client certificate (mutual TLS):
//! a test CA, the server's and the client's certificates are made at run time (rcgen); a
//! TLS front (rustls, client certificate required) forwards to the reference vendor. With
//! `--adapter-ca` and `--adapter-cert` the vendor passes; without the client certificate,
//! or without the CA, every step is an error.

use ffbkit_conformance::harness::adapter::AdapterCredentials;
use ffbkit_conformance::harness::driver::Mode;
use ffbkit_conformance::harness::progress::Progress;
use ffbkit_conformance::harness::session::{certify, Options, VendorChoice};
use ffbkit_conformance::harness::verdict::Status;
use ffbkit_conformance::{journey, vendor};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

struct Pki {
    ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: PrivateKeyDer<'static>,
    ca_der: CertificateDer<'static>,
    /// The client's certificate and key, one PEM file.
    client_pem: String,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "ffbkit test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().signed_by(&server_key, &ca, &ca_key).unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    client_params.distinguished_name.push(DnType::CommonName, "ffbkit certify");
    let client = client_params.signed_by(&client_key, &ca, &ca_key).unwrap();
    Pki {
        ca_pem: ca.pem(),
        server_chain: vec![server.der().clone()],
        server_key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        ca_der: ca.der().clone(),
        client_pem: format!("{}{}", client.pem(), client_key.serialize_pem()),
    }
}

/// A TLS front on loopback that requires a client certificate of the test CA and forwards
/// each connection to `backend`; its https URL.
async fn tls_front(pki: &Pki, backend: String) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca_der.clone()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build().unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let backend = backend.trim_start_matches("http://").to_string();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let backend = backend.clone();
            tokio::spawn(async move {
                // A handshake without a valid client certificate fails here: the client sees
                // the connection refused by TLS.
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let Ok(mut plain) = tokio::net::TcpStream::connect(&backend).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certify_tls_an_https_adapter_with_client_certificates_passes_only_with_them() {
    let pki = pki();
    let adapter = vendor::serve(None, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = tls_front(&pki, adapter.url()).await;
    let borge: Vec<_> = journey::embedded().into_iter().filter(|j| j.id == "boerge-mogensen").collect();
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, credentials: AdapterCredentials| {
        let mut o = Options::new(VendorChoice::Http(url.clone()), dir.path().join(name));
        o.mode = Mode::Pull;
        o.timeout = std::time::Duration::from_secs(10);
        o.adapter = credentials;
        o
    };
    let full = AdapterCredentials {
        token: None,
        client_identity_pem: Some(pki.client_pem.clone().into_bytes()),
        ca_pem: Some(pki.ca_pem.clone().into_bytes()),
    };
    let done = certify(&run("mtls", full.clone()), borge.clone(), &Progress::hidden()).await.unwrap();
    assert_eq!(
        done.report.status,
        Status::Pass,
        "{:#?}",
        done.report.journeys[0].steps.iter().flat_map(|s| &s.messages).collect::<Vec<_>>()
    );
    // Without the client certificate, or without the CA: every step errs.
    for (name, credentials) in [
        ("no-client-cert", AdapterCredentials { client_identity_pem: None, ..full.clone() }),
        ("no-ca", AdapterCredentials { ca_pem: None, ..full.clone() }),
    ] {
        let done = certify(&run(name, credentials), borge.clone(), &Progress::hidden()).await.unwrap();
        assert_eq!(done.report.status, Status::Error, "{name}");
        assert!(done.report.journeys[0].steps.iter().all(|s| s.outcome == "error"), "{name}");
    }
    adapter.shutdown().await;
}

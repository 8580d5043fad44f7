//! Encryption at rest for a database opened with a passphrase (docs/encryption.md), with
//! the browser's WebCrypto (SubtleCrypto), so the wasm carries no cryptography of its own.
//!
//! 1. [`Keys::create`] (a new passphrase) draws a random salt, derives a 256-bit master
//!    key with PBKDF2-HMAC-SHA-256 and [`ITERATIONS`] rounds, and from it with HKDF an
//!    AES-256-GCM key for record contents and an HMAC-SHA-256 key for record names. The
//!    envelope record (salt, rounds, and a check value: a known text encrypted with the
//!    new key) is the one record stored in clear.
//! 2. [`Keys::unlock`] derives the keys again from a stored envelope and a passphrase; a
//!    check value that does not decrypt means a wrong passphrase.
//! 3. A record's stored name is [`Keys::name_all`]: the first 128 bits of the HMAC of
//!    its real name, so puts and deletes still find it without revealing the name. Its
//!    stored value is [`Keys::seal_all`]: a fresh random 96-bit IV followed by the
//!    AES-GCM ciphertext (with its 128-bit tag) of the real name and value
//!    (`records::pack`).
//!
//! Every SubtleCrypto call of a batch starts at once; each group is awaited as a whole.

use crate::model::{base64_decode, base64_encode, hex_encode, CompactCollect};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The `meta` key of the envelope record, the one record an encrypted store keeps in clear.
pub const ENVELOPE_KEY: &str = "encryption";
/// PBKDF2 rounds for a new passphrase: OWASP's 2023 figure for PBKDF2-HMAC-SHA-256.
/// Stored in the envelope, so a later Dynaplay may raise it without breaking old stores.
const ITERATIONS: u32 = 600_000;
const ENVELOPE_VERSION: u32 = 1;
const KDF: &str = "PBKDF2-HMAC-SHA-256";
const CIPHER: &str = "AES-256-GCM";
const SALT_BYTES: u32 = 16;
const IV_BYTES: u32 = 12;
/// AES-GCM's authentication tag, appended to every ciphertext.
const TAG_BYTES: u32 = 16;
/// How much of a record name's HMAC is kept: 128 bits make a collision between two
/// records of one database practically impossible (about 2^64 records for even odds).
const NAME_BYTES: u32 = 16;
/// The text the check value encrypts.
const CHECK_TEXT: &str = "dynaplay passphrase check";
/// HKDF's `info` for the two keys, so they are independent of each other.
const CONTENT_KEY_INFO: &str = "dynaplay record contents";
const NAME_KEY_INFO: &str = "dynaplay record names";

#[wasm_bindgen]
extern "C" {
    /// `crypto.subtle`: every call returns a promise.
    type Subtle;

    #[wasm_bindgen(method, catch, js_name = importKey)]
    fn import_key(
        this: &Subtle,
        format: &str,
        data: &JsValue,
        algorithm: &str,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch, js_name = deriveBits)]
    fn derive_bits(this: &Subtle, algorithm: &Object, base: &JsValue, length: u32) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch, js_name = deriveKey)]
    fn derive_key(
        this: &Subtle,
        algorithm: &Object,
        base: &JsValue,
        derived: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn encrypt(this: &Subtle, algorithm: &Object, key: &JsValue, data: &[u8]) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn decrypt(this: &Subtle, algorithm: &Object, key: &JsValue, data: &Uint8Array) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn sign(this: &Subtle, algorithm: &str, key: &JsValue, data: &[u8]) -> Result<Promise, JsValue>;

    /// `crypto`, for `getRandomValues`.
    type Crypto;

    #[wasm_bindgen(method, catch, js_name = getRandomValues)]
    fn get_random_values(this: &Crypto, array: &Uint8Array) -> Result<JsValue, JsValue>;
}

/// Why a passphrase does not open a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassphraseError {
    /// The store is encrypted and no passphrase was given.
    Required,
    /// The passphrase does not decrypt the store's check value.
    Wrong,
    /// A passphrase was given for a store that is not encrypted.
    NotEncrypted,
}

/// The keys of an unlocked store.
pub struct Keys {
    /// The AES-GCM `CryptoKey` (not extractable) for record contents.
    content: JsValue,
    /// The HMAC `CryptoKey` (not extractable) for record names.
    names: JsValue,
    /// The envelope record's JSON text.
    envelope: String,
}

impl Keys {
    /// Keys for a new passphrase, with a fresh salt.
    pub async fn create(passphrase: &str) -> Result<Keys, JsValue> {
        let salt = random_bytes(SALT_BYTES)?;
        let (content, names) = derive(passphrase, &salt, ITERATIONS).await?;
        let check = AesGcm::new(&content)?.seal(CHECK_TEXT.as_bytes())?.finish().await?;
        // Written by hand rather than by a serde derive, which would cost the wasm a
        // deserializer of its own; base64 needs no escaping.
        let (salt, check) = (base64_encode(&salt.to_vec()), base64_encode(&check.to_vec()));
        let envelope = format!(
            r#"{{"version":{ENVELOPE_VERSION},"kdf":"{KDF}","iterations":{ITERATIONS},"salt":"{salt}","cipher":"{CIPHER}","check":"{check}"}}"#
        );
        Ok(Keys { content, names, envelope })
    }

    /// The keys of a stored envelope, if `passphrase` is the one it was made with.
    /// Outer error: the envelope is unreadable or WebCrypto failed.
    pub async fn unlock(envelope: &str, passphrase: &str) -> Result<Result<Keys, PassphraseError>, JsValue> {
        let unreadable = || JsValue::from_str("the encryption record is unreadable");
        let parsed: Value = serde_json::from_str(envelope).map_err(|_| unreadable())?;
        let text = |field: &str| parsed[field].as_str().ok_or_else(unreadable);
        let version = parsed["version"].as_u64();
        if version != Some(ENVELOPE_VERSION.into()) || text("kdf")? != KDF || text("cipher")? != CIPHER {
            return Err(JsValue::from_str("the encryption record names a scheme this Dynaplay does not know"));
        }
        let iterations = parsed["iterations"].as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(unreadable)?;
        let salt = base64_decode(text("salt")?).map_err(|_| unreadable())?;
        let check = Uint8Array::from(base64_decode(text("check")?).map_err(|_| unreadable())?.as_slice());
        let (content, names) = derive(passphrase, &Uint8Array::from(salt.as_slice()), iterations).await?;
        let opened = match AesGcm::new(&content).and_then(|cipher| cipher.open(&check)) {
            Ok(promise) => JsFuture::from(promise).await.ok().map(|plain| Uint8Array::new(&plain).to_vec()),
            Err(_) => None,
        };
        if opened.as_deref() != Some(CHECK_TEXT.as_bytes()) {
            return Ok(Err(PassphraseError::Wrong));
        }
        Ok(Ok(Keys { content, names, envelope: envelope.to_string() }))
    }

    /// The envelope record's JSON text, to store under [`ENVELOPE_KEY`].
    pub fn envelope(&self) -> &str {
        &self.envelope
    }

    /// Starts computing the stored names of records named `names`: lowercase hex.
    pub fn name_all(&self, names: &[String]) -> Result<Pending<String>, JsValue> {
        let subtle = subtle()?;
        let calls = names.iter().map(|name| subtle.sign("HMAC", &self.names, name.as_bytes())).try_collect_vec()?;
        Ok(Pending::new(calls, |signature| {
            Ok(hex_encode(&Uint8Array::new_with_byte_offset_and_length(&signature, 0, NAME_BYTES).to_vec()))
        }))
    }

    /// Starts encrypting `texts`, each with a fresh IV: the stored values.
    pub fn seal_all(&self, texts: &[String]) -> Result<Pending<Uint8Array>, JsValue> {
        let cipher = AesGcm::new(&self.content)?;
        let calls = texts.iter().map(|text| cipher.seal(text.as_bytes())).try_collect_vec()?;
        let (ivs, calls): (Vec<_>, Vec<_>) = calls.into_iter().map(|sealing| (sealing.iv, sealing.ciphertext)).unzip();
        let mut ivs = ivs.into_iter();
        Ok(Pending::new(calls, move |ciphertext| Ok(joined(&ivs.next().ok_or("an IV is missing")?, &ciphertext))))
    }

    /// Starts decrypting stored values into their texts; one that does not decrypt (a
    /// record altered, or not written with these keys) fails the whole group.
    pub fn open_all(&self, values: &[JsValue]) -> Result<Pending<String>, JsValue> {
        let cipher = AesGcm::new(&self.content)?;
        let calls = values.iter().map(|value| cipher.open(value)).try_collect_vec()?;
        Ok(Pending::new(calls, |plain| {
            String::from_utf8(Uint8Array::new(&plain).to_vec()).map_err(|_| "a decrypted record is not text".into())
        }))
    }
}

/// SubtleCrypto calls under way, and how each result becomes a `T`.
pub struct Pending<T> {
    all: Promise,
    convert: Box<dyn FnMut(JsValue) -> Result<T, JsValue>>,
}

impl<T> Pending<T> {
    fn new(calls: Vec<Promise>, convert: impl FnMut(JsValue) -> Result<T, JsValue> + 'static) -> Self {
        Pending { all: Promise::all(&calls.into_iter().collect::<Array>()), convert: Box::new(convert) }
    }

    /// The results, in the order of the inputs.
    pub async fn finish(mut self) -> Result<Vec<T>, JsValue> {
        let results = JsFuture::from(self.all).await?;
        Array::from(&results).iter().map(|result| (self.convert)(result)).try_collect_vec()
    }
}

/// One encryption under way.
struct Sealing {
    iv: Uint8Array,
    /// Resolves to the ciphertext (an ArrayBuffer).
    ciphertext: Promise,
}

impl Sealing {
    /// The stored value: IV then ciphertext.
    async fn finish(self) -> Result<Uint8Array, JsValue> {
        Ok(joined(&self.iv, &JsFuture::from(self.ciphertext).await?))
    }
}

/// AES-GCM calls with one key, made cheap to start in bulk: an open of 20,000 records
/// spent more in the calls' set-up (looking WebCrypto up, building each algorithm
/// object) than WebCrypto spent in them. WebCrypto copies the algorithm's IV and the data
/// when a call starts, so one algorithm object serves every call, its `iv` replaced each
/// time.
struct AesGcm<'a> {
    key: &'a JsValue,
    crypto: Crypto,
    subtle: Subtle,
    algorithm: Object,
    iv_member: JsValue,
}

impl<'a> AesGcm<'a> {
    fn new(key: &'a JsValue) -> Result<Self, JsValue> {
        let algorithm = object(&[("name", "AES-GCM".into())])?;
        Ok(AesGcm { key, crypto: crypto()?, subtle: subtle()?, algorithm, iv_member: "iv".into() })
    }

    /// Starts encrypting `plain` with a fresh random IV.
    fn seal(&self, plain: &[u8]) -> Result<Sealing, JsValue> {
        let iv = Uint8Array::new_with_length(IV_BYTES);
        self.crypto.get_random_values(&iv)?;
        let ciphertext = self.subtle.encrypt(self.with_iv(&iv)?, self.key, plain)?;
        Ok(Sealing { iv, ciphertext })
    }

    /// Starts decrypting a stored value (IV then ciphertext); rejects when it is not one.
    fn open(&self, value: &JsValue) -> Result<Promise, JsValue> {
        let value = value.dyn_ref::<Uint8Array>().ok_or("an encrypted record is not binary")?;
        let length = value.length();
        if length < IV_BYTES + TAG_BYTES {
            return Err("an encrypted record is too short".into());
        }
        self.subtle.decrypt(self.with_iv(&value.subarray(0, IV_BYTES))?, self.key, &value.subarray(IV_BYTES, length))
    }

    fn with_iv(&self, iv: &Uint8Array) -> Result<&Object, JsValue> {
        Reflect::set(&self.algorithm, &self.iv_member, iv)?;
        Ok(&self.algorithm)
    }
}

fn joined(iv: &Uint8Array, ciphertext: &JsValue) -> Uint8Array {
    let ciphertext = Uint8Array::new(ciphertext);
    let value = Uint8Array::new_with_length(iv.length() + ciphertext.length());
    value.set(iv, 0);
    value.set(&ciphertext, iv.length());
    value
}

/// The content and name keys for `passphrase`, `salt` and `iterations`.
async fn derive(passphrase: &str, salt: &Uint8Array, iterations: u32) -> Result<(JsValue, JsValue), JsValue> {
    let subtle = subtle()?;
    let passphrase = Uint8Array::from(passphrase.as_bytes());
    let base =
        JsFuture::from(subtle.import_key("raw", &passphrase, "PBKDF2", false, &usages(&["deriveBits"]))?).await?;
    let pbkdf2 = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", salt.into()),
        ("iterations", iterations.into()),
    ])?;
    let master = JsFuture::from(subtle.derive_bits(&pbkdf2, &base, 256)?).await?;
    let master = JsFuture::from(subtle.import_key("raw", &master, "HKDF", false, &usages(&["deriveKey"]))?).await?;
    let hkdf = |info: &str| {
        object(&[
            ("name", "HKDF".into()),
            ("hash", "SHA-256".into()),
            ("salt", Uint8Array::new_with_length(0).into()),
            ("info", Uint8Array::from(info.as_bytes()).into()),
        ])
    };
    let aes = object(&[("name", "AES-GCM".into()), ("length", 256.into())])?;
    let hmac = object(&[("name", "HMAC".into()), ("hash", "SHA-256".into()), ("length", 256.into())])?;
    let content =
        subtle.derive_key(&hkdf(CONTENT_KEY_INFO)?, &master, &aes, false, &usages(&["encrypt", "decrypt"]))?;
    let names = subtle.derive_key(&hkdf(NAME_KEY_INFO)?, &master, &hmac, false, &usages(&["sign"]))?;
    Ok((JsFuture::from(content).await?, JsFuture::from(names).await?))
}

fn usages(names: &[&str]) -> Array {
    names.iter().map(|name| JsValue::from_str(name)).collect()
}

fn object(fields: &[(&str, JsValue)]) -> Result<Object, JsValue> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &(*name).into(), value)?;
    }
    Ok(object)
}

fn crypto() -> Result<Crypto, JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())?;
    crypto.is_object().then(|| crypto.unchecked_into()).ok_or_else(|| "WebCrypto is not available here".into())
}

/// `crypto.subtle`, which browsers offer only in secure contexts (https, localhost).
fn subtle() -> Result<Subtle, JsValue> {
    let subtle = Reflect::get(crypto()?.as_ref(), &"subtle".into())?;
    subtle
        .is_object()
        .then(|| subtle.unchecked_into())
        .ok_or_else(|| "encryption needs WebCrypto, which browsers offer only on https or localhost pages".into())
}

fn random_bytes(count: u32) -> Result<Uint8Array, JsValue> {
    let bytes = Uint8Array::new_with_length(count);
    crypto()?.get_random_values(&bytes)?;
    Ok(bytes)
}

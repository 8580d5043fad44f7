//! gzip (RFC 1952) around miniz_oxide's pure-Rust deflate: the compression of export data
//! files and of GZIP import sources.

/// The largest source file an import inflates: 256 MiB, far beyond what a browser tab
/// holds comfortably, so that a "zip bomb" fails cleanly instead of exhausting memory.
pub const MAX_INFLATED_BYTES: usize = 256 * 1024 * 1024;

const MAGIC: [u8; 2] = [0x1f, 0x8b];
const METHOD_DEFLATE: u8 = 8;
/// Header flag bits (FLG).
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

/// `bytes` as one gzip member (no file name, no time stamp).
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![MAGIC[0], MAGIC[1], METHOD_DEFLATE, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend(miniz_oxide::deflate::compress_to_vec(bytes, 6));
    out.extend(crc32(bytes).to_le_bytes());
    out.extend((bytes.len() as u32).to_le_bytes());
    out
}

/// The bytes of a gzip file (every member, concatenated), or why it is not one.
pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        rest = decompress_member(rest, &mut out)?;
    }
    Ok(out)
}

/// Inflates one member onto `out`, answering what follows it.
fn decompress_member<'a>(bytes: &'a [u8], out: &mut Vec<u8>) -> Result<&'a [u8], String> {
    let body = skip_header(bytes).ok_or("not in gzip format")?;
    let limit = MAX_INFLATED_BYTES.saturating_sub(out.len());
    let (inflated, used) = inflate_prefix(body, limit)?;
    let trailer = body.get(used..used + 8).ok_or("the gzip trailer is missing")?;
    let word = |at: usize| trailer.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
    if word(0) != Some(crc32(&inflated)) || word(4) != Some(inflated.len() as u32) {
        return Err("the gzip checksum does not match".to_string());
    }
    out.extend(inflated);
    Ok(&body[used + 8..])
}

/// Inflates the deflate stream at the start of `body`: its bytes and the length it used.
fn inflate_prefix(body: &[u8], limit: usize) -> Result<(Vec<u8>, usize), String> {
    let mut state = miniz_oxide::inflate::stream::InflateState::new(miniz_oxide::DataFormat::Raw);
    let mut out = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut used = 0;
    loop {
        let input = body.get(used..).unwrap_or_default();
        let result = miniz_oxide::inflate::stream::inflate(&mut state, input, &mut buffer, miniz_oxide::MZFlush::None);
        used += result.bytes_consumed;
        out.extend_from_slice(buffer.get(..result.bytes_written).unwrap_or_default());
        if out.len() > limit {
            return Err("the file inflates beyond the size Dynaplay imports".to_string());
        }
        match result.status {
            Ok(miniz_oxide::MZStatus::StreamEnd) => return Ok((out, used)),
            Ok(_) if result.bytes_consumed > 0 || result.bytes_written > 0 => {}
            _ => return Err("the compressed data is corrupt".to_string()),
        }
    }
}

/// The deflate data after a gzip member's header, when the header is well formed.
fn skip_header(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.get(..3)? != [MAGIC[0], MAGIC[1], METHOD_DEFLATE] {
        return None;
    }
    let flags = *bytes.get(3)?;
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let length = u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?);
        at += 2 + usize::from(length);
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            at += bytes.get(at..)?.iter().position(|&byte| byte == 0)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    bytes.get(at..)
}

/// CRC-32 (IEEE), bit by bit: gzip checks it once per file, so a table buys little.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks() {
        let text = b"{\"Item\":{\"id\":{\"S\":\"a\"}}}\n".repeat(100);
        let packed = compress(&text);
        assert_eq!(decompress(&packed).unwrap(), text);
        let twice = [packed.clone(), packed.clone()].concat();
        assert_eq!(decompress(&twice).unwrap().len(), text.len() * 2);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn malformed_input_is_an_error() {
        let packed = compress(b"hello");
        for bad in [&b"hello"[..], &packed[..5], &packed[..packed.len() - 1], &[0x1f, 0x8b, 8, 0xff]] {
            assert!(decompress(bad).is_err(), "{bad:?}");
        }
        let mut flipped = packed.clone();
        let last = flipped.len() - 6;
        flipped[last] ^= 1;
        assert!(decompress(&flipped).is_err());
    }
}

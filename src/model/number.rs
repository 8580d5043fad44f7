//! DynamoDB numbers: up to 38 significant digits, magnitude 1E-130 to
//! 9.9999999999999999999999999999999999999E+125, canonical text, numeric order.
//!
//! A [`Number`] is kept normalized (`digits × 10^exponent` with no trailing zeros in
//! `digits`, and a single unsigned zero), so the derived `Eq` and `Hash` are numeric
//! equality: `1`, `1.0` and `10E-1` are the same value.

use crate::{bail_validation, Result};
use std::cmp::Ordering;
use std::fmt;

/// Most significant digits a number may have.
const MAX_DIGITS: usize = 38;
/// Largest and smallest decimal exponent of a number's leading digit.
const MAX_EXPONENT: i64 = 125;
const MIN_EXPONENT: i64 = -130;

/// Leading bytes of [`Number::encode_ordered`]: negatives sort before zero before positives.
const NEGATIVE: u8 = 0x01;
const ZERO: u8 = 0x02;
const POSITIVE: u8 = 0x03;

/// The longest integer [`Number::parse_integer`] reads: 18 digits always fit a `u64`,
/// and are always in DynamoDB's range.
const SHORT_INTEGER_DIGITS: usize = 18;

/// A DynamoDB number (type `N`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number {
    negative: bool,
    /// The significant digits as an integer, without trailing zeros; 0 only for zero.
    digits: u128,
    /// Decimal exponent of the last significant digit.
    exponent: i16,
}

impl Number {
    /// Parses DynamoDB number text, with DynamoDB's errors for bad text and out-of-range values.
    ///
    /// Accepts what Java's `BigDecimal` accepts: an optional sign, digits with at most one
    /// decimal point (`.5` and `5.` included) and an optional exponent (`1E5`, `2e-3`).
    pub fn parse(text: &str) -> Result<Number> {
        if let Some(number) = Number::parse_integer(text) {
            return Ok(number);
        }
        if text.is_empty() {
            bail_validation!("The parameter cannot be converted to a numeric value");
        }
        let Some(decimal) = Decimal::parse(text) else {
            bail_validation!("The parameter cannot be converted to a numeric value: {text}");
        };
        decimal.into_number()
    }

    /// The most common number text, an integer of at most [`SHORT_INTEGER_DIGITS`]
    /// digits (after an optional `-`), read without the digit list of the general
    /// reader (which took half of reading a GetItem's number key); None for any other.
    fn parse_integer(text: &str) -> Option<Number> {
        let (negative, digits) = match text.as_bytes() {
            [b'-', digits @ ..] => (true, digits),
            digits => (false, digits),
        };
        let short = (1..=SHORT_INTEGER_DIGITS).contains(&digits.len());
        if !short || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = digits.iter().fold(0u64, |value, digit| value * 10 + u64::from(digit - b'0'));
        Some(Number::scaled(negative, value, 0))
    }

    /// An epoch time in milliseconds as seconds (`millis / 1000`, exactly), to compare
    /// with a time to live attribute without a float parse (whose tables cost the wasm
    /// about 10 KB).
    pub fn seconds_from_millis(millis: u64) -> Number {
        Number::scaled(false, millis, -3)
    }

    /// `±value × 10^exponent`, normalized; `exponent` must keep it in DynamoDB's range.
    fn scaled(negative: bool, mut value: u64, mut exponent: i16) -> Number {
        if value == 0 {
            return Number { negative: false, digits: 0, exponent: 0 };
        }
        while value.is_multiple_of(10) {
            value /= 10;
            exponent += 1;
        }
        Number { negative, digits: u128::from(value), exponent }
    }

    /// Bytes this number counts for in an item's size.
    ///
    /// DynamoDB stores a number as one exponent byte plus base-100 digit pairs aligned on
    /// even powers of ten (an extra leading pair when the leading digit's exponent is
    /// even and the digit count is even), plus one byte for a negative sign; zero is one
    /// byte. This is the formula dynalite fitted to DynamoDB's consumed capacity.
    pub fn size(&self) -> usize {
        if self.is_zero() {
            return 1;
        }
        nonzero_size(self.digit_count(), self.leading_exponent(), self.negative)
    }

    /// The [`size`](Self::size) of the number `text` is the canonical text of (as
    /// `Display` writes it), read straight off the text: a cold open reads every stored
    /// number, and parsing one and writing it back to compare cost about 1,200 wasm
    /// instructions. None for any other text, and for a number out of DynamoDB's range.
    pub fn canonical_text_size(text: &[u8]) -> Option<usize> {
        let (negative, unsigned) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let (whole, fraction) = match unsigned.iter().position(|&byte| byte == b'.') {
            // A fraction is never empty and never ends in a zero.
            Some(at) => (unsigned.get(..at)?, unsigned.get(at + 1..).filter(|fraction| fraction.last() > Some(&b'0'))?),
            None => (unsigned, &[][..]),
        };
        let digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
        // The whole part has no leading zero, unless it is the 0 of a fraction or zero.
        let whole_ok = match whole {
            [] => false,
            [b'0'] => true,
            [first, ..] => *first != b'0',
        };
        if !whole_ok || !digits(whole) || !digits(fraction) {
            return None;
        }
        let (count, leading_exponent) = match whole {
            // Zero is unsigned.
            b"0" if fraction.is_empty() => return (!negative).then_some(1),
            b"0" => {
                let zeros = fraction.iter().take_while(|&&digit| digit == b'0').count();
                (fraction.len() - zeros, -(zeros as i64) - 1)
            }
            _ if fraction.is_empty() => {
                let zeros = whole.iter().rev().take_while(|&&digit| digit == b'0').count();
                (whole.len() - zeros, whole.len() as i64 - 1)
            }
            _ => (whole.len() + fraction.len(), whole.len() as i64 - 1),
        };
        let in_range = count <= MAX_DIGITS && (MIN_EXPONENT..=MAX_EXPONENT).contains(&leading_exponent);
        in_range.then(|| nonzero_size(count, leading_exponent, negative))
    }

    /// Appends bytes whose unsigned lexicographic order is the numbers' numeric order.
    ///
    /// The encoding is self-delimiting: a sign byte, then (for non-zero numbers) an
    /// exponent byte and the digits in pairs, closed by a terminator that no digit pair
    /// uses. Negative numbers invert the exponent, the pairs and the terminator.
    pub fn encode_ordered(&self, out: &mut Vec<u8>) {
        if self.is_zero() {
            out.push(ZERO);
            return;
        }
        // The leading exponent lies in -130..=125, so the biased value fits a byte.
        let biased = (self.leading_exponent() - MIN_EXPONENT) as u8;
        let mut buffer = [0; U128_DIGITS];
        let pairs = decimal_digits(self.digits, &mut buffer).as_bytes().chunks(2).map(|pair| {
            let high = pair[0] - b'0';
            let low = pair.get(1).map_or(0, |digit| digit - b'0');
            high * 10 + low
        });
        if self.negative {
            out.push(NEGATIVE);
            out.push(u8::MAX - biased);
            out.extend(pairs.map(|pair| 100 - pair));
            out.push(u8::MAX);
        } else {
            out.push(POSITIVE);
            out.push(biased);
            out.extend(pairs.map(|pair| pair + 1));
            out.push(0);
        }
    }

    /// `self + other`, exactly, with DynamoDB's range and precision errors when the sum
    /// does not fit a number (UpdateExpression `+` and `ADD`).
    pub fn checked_add(&self, other: &Number) -> Result<Number> {
        Decimal::sum(self.to_decimal(), other.to_decimal()).into_number()
    }

    /// `self - other`, exactly, with the errors of [`Number::checked_add`].
    pub fn checked_sub(&self, other: &Number) -> Result<Number> {
        let mut negated = other.to_decimal();
        negated.negative = !negated.negative;
        Decimal::sum(self.to_decimal(), negated).into_number()
    }

    fn to_decimal(&self) -> Decimal {
        let digits = match self.digits {
            0 => Vec::new(),
            value => value.to_string().bytes().map(|byte| byte - b'0').collect(),
        };
        Decimal { negative: self.negative, digits, exponent: i64::from(self.exponent) }
    }

    fn is_zero(&self) -> bool {
        self.digits == 0
    }

    fn digit_count(&self) -> usize {
        // u128's ilog10 divides by 10^16 whatever the value, and u128 division is a
        // library call in wasm (1 % of a PutItem): most numbers fit a u64.
        let log = match u64::try_from(self.digits) {
            Ok(digits) => digits.checked_ilog10(),
            Err(_) => self.digits.checked_ilog10(),
        };
        log.map_or(0, |log| log as usize + 1)
    }

    /// Decimal exponent of the leading digit (scientific notation).
    fn leading_exponent(&self) -> i64 {
        i64::from(self.exponent) + self.digit_count() as i64 - 1
    }

    /// The magnitudes' order, for numbers of equal sign.
    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        let by_exponent = self.leading_exponent().cmp(&other.leading_exponent());
        by_exponent.then_with(|| {
            // Same leading exponent: scale the shorter digit string to the longer one's
            // length (at most 38 digits, which fits a u128) and compare as integers.
            let (mine, theirs) = (self.digit_count(), other.digit_count());
            let scale = |digits: u128, count: usize, target: usize| digits * 10u128.pow((target - count) as u32);
            let longest = mine.max(theirs);
            scale(self.digits, mine, longest).cmp(&scale(other.digits, theirs, longest))
        })
    }
}

/// [`Number::size`] of a number other than zero, from its count of significant digits
/// and its leading digit's exponent.
fn nonzero_size(count: usize, leading_exponent: i64, negative: bool) -> usize {
    let unaligned = count.is_multiple_of(2) && leading_exponent % 2 == 0;
    1 + count.div_ceil(2) + usize::from(unaligned) + usize::from(negative)
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        let rank = |number: &Number| match (number.negative, number.is_zero()) {
            (true, _) => 0,
            (false, true) => 1,
            (false, false) => 2,
        };
        rank(self).cmp(&rank(other)).then_with(|| match self.negative {
            true => other.cmp_magnitude(self),
            false => self.cmp_magnitude(other),
        })
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Number {
    /// The canonical text DynamoDB returns: plain decimal notation (never an exponent),
    /// no leading zeros, no trailing fractional zeros, and `0` for zero. Written in
    /// pieces, allocating nothing: every stored item's numbers are written on a cold open.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        let mut buffer = [0; U128_DIGITS];
        let digits = decimal_digits(self.digits, &mut buffer);
        let exponent = i64::from(self.exponent);
        if exponent >= 0 {
            f.write_str(digits)?;
            return write_zeros(f, exponent.unsigned_abs() as usize);
        }
        let fraction = exponent.unsigned_abs() as usize;
        match digits.len().checked_sub(fraction).and_then(|whole| digits.split_at_checked(whole)) {
            Some((whole, fractional)) if !whole.is_empty() => {
                f.write_str(whole)?;
                f.write_str(".")?;
                f.write_str(fractional)
            }
            _ => {
                f.write_str("0.")?;
                write_zeros(f, fraction - digits.len())?;
                f.write_str(digits)
            }
        }
    }
}

/// Decimal digits in the longest u128.
const U128_DIGITS: usize = 39;

/// `value` in decimal, written into the end of `buffer`. Digits are taken off with u64
/// arithmetic once the rest fits (u128 division is a library call in wasm).
fn decimal_digits(value: u128, buffer: &mut [u8; U128_DIGITS]) -> &str {
    let mut at = buffer.len();
    let mut rest = value;
    // At most 39 digits, so `at` never goes below zero.
    let mut small = loop {
        match u64::try_from(rest) {
            Ok(small) => break small,
            Err(_) => {
                at -= 1;
                buffer[at] = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
        }
    };
    loop {
        at -= 1;
        buffer[at] = b'0' + (small % 10) as u8;
        small /= 10;
        if small == 0 {
            break;
        }
    }
    std::str::from_utf8(&buffer[at..]).unwrap_or_default()
}

fn write_zeros(f: &mut fmt::Formatter<'_>, mut count: usize) -> fmt::Result {
    const ZEROS: &str = "0000000000000000";
    while count > 0 {
        let piece = count.min(ZEROS.len());
        f.write_str(ZEROS.get(..piece).unwrap_or_default())?;
        count -= piece;
    }
    Ok(())
}

/// Number text taken apart: sign, significant digits and the exponent of the last one.
struct Decimal {
    negative: bool,
    /// Significant digits (0..=9), without leading or trailing zeros; empty for zero.
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    /// Splits number text into its parts; `None` if it is not number text.
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes() {
            [b'-', rest @ ..] => (true, rest),
            [b'+', rest @ ..] => (false, rest),
            rest => (false, rest),
        };
        let mantissa_len = rest.iter().position(|&b| b == b'e' || b == b'E').unwrap_or(rest.len());
        let (mantissa, exponent_part) = rest.split_at(mantissa_len);
        let exponent = match exponent_part {
            [] => 0,
            [_, exponent @ ..] => parse_exponent(exponent)?,
        };

        let mut digits = Vec::with_capacity(mantissa.len());
        let mut fraction_len = 0i64;
        let mut seen_point = false;
        let mut seen_digit = false;
        for &byte in mantissa {
            match byte {
                b'0'..=b'9' => {
                    seen_digit = true;
                    fraction_len += i64::from(seen_point);
                    // Leading zeros are not significant.
                    if byte != b'0' || !digits.is_empty() {
                        digits.push(byte - b'0');
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => return None,
            }
        }
        if !seen_digit {
            return None;
        }
        let trailing_zeros = digits.iter().rev().take_while(|&&digit| digit == 0).count();
        digits.truncate(digits.len() - trailing_zeros);
        let exponent = exponent - fraction_len + trailing_zeros as i64;
        Some(Decimal { negative, digits, exponent })
    }

    /// The exact sum of two decimals (at most a few hundred digits: exponents are bounded).
    fn sum(a: Decimal, b: Decimal) -> Decimal {
        let exponent = a.exponent.min(b.exponent);
        let width = |d: &Decimal| d.digits.len() + (d.exponent - exponent) as usize;
        let len = width(&a).max(width(&b)) + 1;
        let (x, y) = (a.aligned(exponent, len), b.aligned(exponent, len));
        let (negative, digits) = if a.negative == b.negative {
            (a.negative, add_digits(&x, &y))
        } else if x >= y {
            (a.negative, sub_digits(&x, &y))
        } else {
            (b.negative, sub_digits(&y, &x))
        };
        Decimal { negative, digits, exponent }.normalized()
    }

    /// The digits scaled to `exponent` and left-padded with zeros to `len`, so two
    /// aligned decimals compare as digit strings.
    fn aligned(&self, exponent: i64, len: usize) -> Vec<u8> {
        let zeros = (self.exponent - exponent) as usize;
        let mut out = vec![0; len - self.digits.len() - zeros];
        out.extend_from_slice(&self.digits);
        out.resize(len, 0);
        out
    }

    /// Strips leading and trailing zeros, moving the exponent along.
    fn normalized(mut self) -> Decimal {
        let leading = self.digits.iter().take_while(|&&digit| digit == 0).count();
        self.digits.drain(..leading);
        let trailing = self.digits.iter().rev().take_while(|&&digit| digit == 0).count();
        self.digits.truncate(self.digits.len() - trailing);
        self.exponent += trailing as i64;
        self
    }

    /// Checks DynamoDB's range and precision, in DynamoDB's order.
    fn into_number(self) -> Result<Number> {
        if self.digits.is_empty() {
            return Ok(Number { negative: false, digits: 0, exponent: 0 });
        }
        let leading = self.exponent + self.digits.len() as i64 - 1;
        if leading > MAX_EXPONENT {
            bail_validation!(
                "Number overflow. Attempting to store a number with magnitude larger than supported range"
            );
        }
        if leading < MIN_EXPONENT {
            bail_validation!(
                "Number underflow. Attempting to store a number with magnitude smaller than supported range"
            );
        }
        if self.digits.len() > MAX_DIGITS {
            bail_validation!("Attempting to store more than 38 significant digits in a Number");
        }
        let digits = self.digits.iter().fold(0u128, |acc, &digit| acc * 10 + u128::from(digit));
        // In range, the last digit's exponent lies in -167..=125.
        Ok(Number { negative: self.negative, digits, exponent: self.exponent as i16 })
    }
}

/// Adds two equally long digit strings (most significant first); the first digit of
/// each must be 0 so the carry fits.
fn add_digits(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut out = vec![0; x.len()];
    let mut carry = 0;
    for i in (0..x.len()).rev() {
        let total = x[i] + y[i] + carry;
        out[i] = total % 10;
        carry = total / 10;
    }
    out
}

/// Subtracts two equally long digit strings, `x >= y`.
fn sub_digits(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut out = vec![0; x.len()];
    let mut borrow = 0;
    for i in (0..x.len()).rev() {
        let (value, next) = match x[i].checked_sub(y[i] + borrow) {
            Some(value) => (value, 0),
            None => (x[i] + 10 - y[i] - borrow, 1),
        };
        out[i] = value;
        borrow = next;
    }
    out
}

/// Parses an exponent (`+5`, `-12`, `7`), saturating absurd values: they only ever
/// mean overflow or underflow, or nothing at all for zero.
fn parse_exponent(text: &[u8]) -> Option<i64> {
    const LIMIT: i64 = 1 << 40;
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits.iter().fold(0i64, |acc, &digit| (acc * 10 + i64::from(digit - b'0')).min(LIMIT));
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzz::Rng;
    use crate::ErrorKind;
    use std::collections::HashSet;

    #[test]
    fn short_integers_read_as_the_general_reader_reads_them() {
        let texts = [
            "0",
            "-0",
            "000",
            "7",
            "-7",
            "007",
            "120",
            "-1200",
            "1000000",
            "999999999999999999",
            "-100000000000000000",
            "123456789012345678",
        ];
        for text in texts {
            let general = Decimal::parse(text).unwrap().into_number().unwrap();
            assert_eq!(Number::parse_integer(text), Some(general), "{text}");
        }
        for text in ["", "-", "+1", "1.0", "1e2", "1 ", "--1", "1234567890123456789", "0x1", "١"] {
            assert_eq!(Number::parse_integer(text), None, "{text}");
        }
        assert_eq!(num("1234567890123456789").to_string(), "1234567890123456789");
    }

    fn num(text: &str) -> Number {
        Number::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn error(text: &str) -> String {
        let error = Number::parse(text).expect_err(text);
        assert_eq!(error.kind, ErrorKind::Validation);
        error.message
    }

    fn encoded(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        num(text).encode_ordered(&mut out);
        out
    }

    #[test]
    fn arithmetic() {
        let add = |a: &str, b: &str| num(a).checked_add(&num(b)).unwrap().to_string();
        let sub = |a: &str, b: &str| num(a).checked_sub(&num(b)).unwrap().to_string();
        assert_eq!(add("1", "2"), "3");
        assert_eq!(add("0.1", "0.2"), "0.3");
        assert_eq!(add("-5", "3"), "-2");
        assert_eq!(add("5", "-5"), "0");
        assert_eq!(add("99", "1"), "100");
        assert_eq!(add("1E10", "1E-5"), "10000000000.00001");
        assert_eq!(sub("1", "3"), "-2");
        assert_eq!(sub("-1", "-3"), "2");
        assert_eq!(sub("0", "0"), "0");
        assert_eq!(sub("100", "0.001"), "99.999");
        let big = "9.9999999999999999999999999999999999999E+125";
        let overflow = num(big).checked_add(&num(big)).unwrap_err().message;
        assert!(overflow.starts_with("Number overflow."), "{overflow}");
        let precise = num("1E30").checked_add(&num("1E-30")).unwrap_err().message;
        assert_eq!(precise, "Attempting to store more than 38 significant digits in a Number");
    }

    #[test]
    fn seconds_from_millis_is_exact() {
        assert_eq!(Number::seconds_from_millis(1_500), num("1.5"));
        assert_eq!(Number::seconds_from_millis(7_000), num("7"));
        assert_eq!(Number::seconds_from_millis(1), num("0.001"));
        assert_eq!(Number::seconds_from_millis(0), num("0"));
        assert_eq!(Number::seconds_from_millis(u64::MAX), num("18446744073709551.615"));
    }

    #[test]
    fn canonical_text() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("0.000", "0"),
            ("-0e-500", "0"),
            ("0e999999999999999999999", "0"),
            ("-0012.50e+3", "-12500"),
            ("-0015.789e6", "-15789000"),
            (".5", "0.5"),
            ("5.", "5"),
            ("+7", "7"),
            ("1E5", "100000"),
            ("1e-5", "0.00001"),
            ("123.456", "123.456"),
            ("123.4560", "123.456"),
            ("00100", "100"),
            ("10E-1", "1"),
            ("-1.5", "-1.5"),
            ("0.0012", "0.0012"),
            ("12.5e-1", "1.25"),
        ];
        for (text, canonical) in cases {
            assert_eq!(num(text).to_string(), canonical, "{text}");
        }
    }

    #[test]
    fn extremes_print_in_plain_notation() {
        // Values and expected text recorded from DynamoDB by dynalite's tests.
        assert_eq!(
            num("0000012345678901234567890123456789012345678").to_string(),
            "12345678901234567890123456789012345678"
        );
        assert_eq!(
            num("-00001.23456789012345678901234567890123456780000").to_string(),
            "-1.2345678901234567890123456789012345678"
        );
        let max = format!("{}{}", "9".repeat(38), "0".repeat(88));
        assert_eq!(num("0009.99999999999999999999999999999999999990000e125").to_string(), max);
        assert_eq!(num("-9.9999999999999999999999999999999999999E+125").to_string(), format!("-{max}"));
        let min = format!("0.{}1", "0".repeat(129));
        assert_eq!(num("0001.000e-130").to_string(), min);
        assert_eq!(num("-1E-130").to_string(), format!("-{min}"));
        assert_eq!(num("1E+125").to_string(), format!("1{}", "0".repeat(125)));
    }

    #[test]
    fn display_round_trips() {
        for text in ["1", "-1", "0.5", "123.456", "-0.0001", "1e125", "-1e-130", "98765.4321e20"] {
            let number = num(text);
            assert_eq!(num(&number.to_string()), number, "{text}");
        }
    }

    #[test]
    fn invalid_text() {
        assert_eq!(error(""), "The parameter cannot be converted to a numeric value");
        for text in [
            "b", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "--1", "+-1", "1e5.0", "0x10", "NaN",
            "Infinity", "1_000", "١",
        ] {
            assert_eq!(error(text), format!("The parameter cannot be converted to a numeric value: {text}"), "{text}");
        }
    }

    #[test]
    fn range_and_precision_errors() {
        let overflow = "Number overflow. Attempting to store a number with magnitude larger than supported range";
        let underflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
        let digits = "Attempting to store more than 38 significant digits in a Number";
        assert_eq!(error("1e126"), overflow);
        assert_eq!(error("-1e126"), overflow);
        assert_eq!(error("10e125"), overflow);
        assert_eq!(error("1e99999999999999999999999"), overflow);
        assert_eq!(error("1e-131"), underflow);
        assert_eq!(error("-1e-131"), underflow);
        assert_eq!(error("0.1e-130"), underflow);
        assert_eq!(error("123456789012345678901234567890123456789"), digits);
        assert_eq!(error("-1.23456789012345678901234567890123456789"), digits);
        // Magnitude is checked before precision.
        assert_eq!(error("1.23456789012345678901234567890123456789e200"), overflow);
        // Leading and trailing zeros are not significant.
        num("000012345678901234567890123456789012345678000000");
        num("0.000012345678901234567890123456789012345678");
        num("9.9999999999999999999999999999999999999E+125");
        num("1e-130");
    }

    #[test]
    fn equality_is_numeric() {
        assert_eq!(num("1"), num("1.0"));
        assert_eq!(num("1"), num("10E-1"));
        assert_eq!(num("0"), num("-0.00"));
        assert_ne!(num("1"), num("-1"));
        let set: HashSet<Number> = ["1", "1.00", "0.1e1", "100e-2", "2"].into_iter().map(num).collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn order_is_numeric() {
        let sorted = [
            "-9.9999999999999999999999999999999999999E+125",
            "-1e100",
            "-100",
            "-12.5",
            "-12.25",
            "-12",
            "-1",
            "-0.5",
            "-1e-130",
            "0",
            "1e-130",
            "0.00012",
            "0.5",
            "1",
            "1.000000000000000000000000000000000001",
            "1.5",
            "9",
            "10",
            "12",
            "12.25",
            "12.5",
            "100",
            "1e100",
            "9.9999999999999999999999999999999999999E+125",
        ];
        let numbers: Vec<Number> = sorted.iter().map(|text| num(text)).collect();
        for pair in numbers.windows(2) {
            assert!(pair[0] < pair[1], "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(num("2.50").cmp(&num("2.5")), Ordering::Equal);
    }

    #[test]
    fn encoding_order_matches_numeric_order() {
        let texts = [
            "-9.9999999999999999999999999999999999999E+125",
            "-1e100",
            "-100",
            "-99",
            "-12.5",
            "-12.25",
            "-12.2",
            "-12",
            "-10",
            "-9.99",
            "-1",
            "-0.5",
            "-0.05",
            "-1e-130",
            "0",
            "1e-130",
            "0.05",
            "0.5",
            "1",
            "1.0000001",
            "1.2",
            "1.25",
            "1.2500001",
            "1.3",
            "9",
            "10",
            "12",
            "12.5",
            "99",
            "100",
            "101",
            "1e100",
            "9.9999999999999999999999999999999999999E+125",
        ];
        let mut numbers: Vec<Number> = texts.iter().map(|text| num(text)).collect();
        numbers.reverse();
        numbers.sort_by_key(|number| {
            let mut out = Vec::new();
            number.encode_ordered(&mut out);
            out
        });
        let back: Vec<String> = numbers.iter().map(ToString::to_string).collect();
        let expected: Vec<String> = texts.iter().map(|text| num(text).to_string()).collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn encoding_is_canonical_and_prefix_free() {
        assert_eq!(encoded("1"), encoded("1.000"));
        assert_eq!(encoded("-0"), vec![ZERO]);
        let texts = ["0", "1", "12", "1.2", "120", "-1", "-12", "-1.2", "5e-130", "-5e125", "123456789"];
        let codes: Vec<Vec<u8>> = texts.iter().map(|text| encoded(text)).collect();
        for (i, a) in codes.iter().enumerate() {
            for (j, b) in codes.iter().enumerate() {
                if i != j {
                    assert!(!b.starts_with(a), "{} is a prefix of {}", texts[i], texts[j]);
                }
            }
        }
    }

    #[test]
    fn digits_are_counted_on_both_sides_of_every_power_of_ten() {
        for power in 0..38 {
            let ten = 10u128.pow(power);
            for (digits, count) in [(ten, power + 1), (ten - 1, power), (ten + 1, power + 1)] {
                let number = Number { negative: false, digits, exponent: 0 };
                assert_eq!(number.digit_count(), count as usize, "{digits}");
            }
        }
        assert_eq!(Number { negative: false, digits: u128::MAX, exponent: 0 }.digit_count(), 39);
    }

    #[test]
    fn sizes() {
        let cases = [
            ("0", 1),
            ("1", 2),
            ("-1", 3),
            ("10", 2),
            ("12", 2),
            ("123", 3),
            ("1234", 3),
            ("1.5", 3),
            ("0.5", 2),
            ("0.05", 2),
            ("0.15", 2),
            ("-56.789", 5),
            ("12345678901234567890123456789012345678", 20),
            ("1.2345678901234567890123456789012345678", 21),
        ];
        for (text, size) in cases {
            assert_eq!(num(text).size(), size, "{text}");
        }
    }

    /// The general path: the size of the number a text parses to, if writing that
    /// number gives the very text.
    fn parsed_size(text: &[u8]) -> Option<usize> {
        let text = std::str::from_utf8(text).ok()?;
        let number = Number::parse(text).ok()?;
        (number.to_string() == text).then(|| number.size())
    }

    /// Random texts made of the characters numbers are written with, mostly short.
    fn random_text(rng: &mut Rng) -> String {
        const CHARACTERS: &[u8] = b"0000000123456789.-eE+x";
        (0..=rng.below(12)).map(|_| char::from(CHARACTERS[rng.below(CHARACTERS.len())])).collect()
    }

    /// Random numbers of up to 40 digits at any exponent of about DynamoDB's range and
    /// beyond, as Display writes them when they parse.
    fn random_number_text(rng: &mut Rng) -> String {
        let digits: String = (0..=rng.below(40)).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
        let sign = if rng.below(2) == 0 { "-" } else { "" };
        let text = format!("{sign}{digits}E{}", rng.below(300) as i64 - 160);
        Number::parse(&text).map_or(text, |number| number.to_string())
    }

    #[test]
    fn canonical_text_size_agrees_with_parsing_and_writing_back() {
        let mut rng = Rng(0x6e75_6d62_6572_0001);
        let mut read_off = 0;
        for case in 0..200_000 {
            let text = match case % 2 {
                0 => random_number_text(&mut rng),
                _ => random_text(&mut rng),
            };
            let general = parsed_size(text.as_bytes());
            let fast = Number::canonical_text_size(text.as_bytes());
            // Every canonical text is read off; nothing else is.
            assert_eq!(fast, general, "{text}");
            read_off += usize::from(fast.is_some());
        }
        assert!(read_off > 50_000, "{read_off} canonical texts");
    }

    #[test]
    fn canonical_text_size_of_edge_cases() {
        let max = format!("9.{}E+125", "9".repeat(37));
        let max = Number::parse(&max).unwrap().to_string();
        let min = Number::parse("1E-130").unwrap().to_string();
        let canonical = ["0", "1", "-1", "10", "100", "0.5", "-0.05", "10.5", "1234.5678", &max, &min];
        for text in canonical {
            assert_eq!(Number::canonical_text_size(text.as_bytes()), parsed_size(text.as_bytes()), "{text}");
            assert!(Number::canonical_text_size(text.as_bytes()).is_some(), "{text}");
        }
        let other = ["", "-", "-0", "00", "01", "1.", ".5", "1.0", "0.50", "1e5", "+1", "1.2.3", "--1", "0x1", "1 "];
        let too_big = format!("1{}", "0".repeat(126));
        let too_precise = "1".repeat(39);
        let too_small = format!("0.{}1", "0".repeat(130));
        for text in other.iter().copied().chain([too_big.as_str(), too_precise.as_str(), too_small.as_str()]) {
            assert_eq!(Number::canonical_text_size(text.as_bytes()), None, "{text}");
            assert_eq!(parsed_size(text.as_bytes()), None, "{text}");
        }
    }
}

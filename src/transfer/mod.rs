//! Moving table data in and out through the simulated S3: the file formats DynamoDB's
//! export to S3 writes and its import from S3 reads, as pure functions over bytes and
//! items (no engine state): gzip, MD5 checksums, Ion text, CSV, and the export lines.

pub mod csv;
pub mod gzip;
pub mod ion;
pub mod lines;
pub mod md5;
pub mod source;

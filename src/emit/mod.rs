//! stub
pub mod yaml;

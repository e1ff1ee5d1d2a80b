#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| mahalle_web::fuzzing::csv(data));

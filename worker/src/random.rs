//! Random bytes from the runtime's Web Crypto (`crypto.getRandomValues`), the
//! CSPRNG every Workers isolate has.

use js_sys::{Function, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};

/// Fills `bytes` with random bytes, or says why it could not.
pub fn fill(bytes: &mut [u8]) -> Result<(), String> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .map_err(|_| "globalThis.crypto is missing".to_string())?;
    let get_random_values: Function = Reflect::get(&crypto, &JsValue::from_str("getRandomValues"))
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| "crypto.getRandomValues is missing".to_string())?;
    let array = Uint8Array::new_with_length(bytes.len() as u32);
    get_random_values
        .call1(&crypto, &array)
        .map_err(|_| "crypto.getRandomValues failed".to_string())?;
    array.copy_to(bytes);
    Ok(())
}

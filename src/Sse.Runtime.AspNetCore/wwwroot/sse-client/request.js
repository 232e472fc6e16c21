/** Percent-encodes one route value; `.` and `..` cannot travel in a path (URLs normalize them away). */
export function routeValue(name, value) {
    const text = String(value);
    if (text === "." || text === "..") {
        throw new RangeError(`The route value '${name}' cannot be '${text}': URL normalization removes such segments. Send it in the query instead.`);
    }
    return encodeURIComponent(text);
}
/** A query string from the parameters that have a value; arrays become repeated keys. */
export function query(parameters) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(parameters)) {
        if (value === undefined || value === null) {
            continue;
        }
        for (const item of Array.isArray(value) ? value : [value]) {
            search.append(key, item instanceof Date ? item.toISOString() : String(item));
        }
    }
    const text = search.toString();
    return text.length === 0 ? "" : `?${text}`;
}
/**
 * Request headers from the header parameters that have a value. What HTTP cannot carry (CR, LF, NUL, or whitespace
 * at either end, which HTTP strips) is refused before anything is sent; non-ASCII text travels as UTF-8, as the .NET
 * client sends it.
 */
export function headerValues(parameters) {
    const headers = {};
    for (const [name, value] of Object.entries(parameters)) {
        if (value === undefined || value === null) {
            continue;
        }
        const text = String(value);
        if (/^[ \t]|[ \t]$/.test(text)) {
            throw new RangeError(`The header '${name}' cannot start or end with whitespace: HTTP strips it.`);
        }
        headers[name] = headerText(name, text);
    }
    return headers;
}
/**
 * A header value as `fetch` sends it byte for byte: UTF-8, each byte one character (`fetch` takes header values as
 * byte strings, so non-ASCII text would otherwise be refused, or sent as Latin-1). CR, LF and NUL, which no header
 * can carry, are refused with a `RangeError` naming the header.
 */
export function headerText(name, text) {
    if (/[\r\n\0]/.test(text)) {
        throw new RangeError(`The header '${name}' cannot carry CR, LF or NUL.`);
    }
    if (/^[\x00-\x7f]*$/.test(text)) {
        return text;
    }
    let bytes = "";
    for (const byte of new TextEncoder().encode(text)) {
        bytes += String.fromCharCode(byte);
    }
    return bytes;
}
/** Joins a base URL (its path kept) and a path. */
export function resolve(baseUrl, path) {
    return baseUrl.replace(/\/+$/, "") + path;
}

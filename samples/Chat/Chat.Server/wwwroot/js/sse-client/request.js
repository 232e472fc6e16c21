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
/** Joins a base URL (its path kept) and a path. */
export function resolve(baseUrl, path) {
    return baseUrl.replace(/\/+$/, "") + path;
}
//# sourceMappingURL=request.js.map
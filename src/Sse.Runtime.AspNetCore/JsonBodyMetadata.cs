using System;
using System.Collections.Generic;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// Says that an endpoint accepts a JSON body of one type, for API descriptions. It names no content type, so that
/// routing does not refuse a request of another one itself (its 415 has no body): the generated handler answers that
/// 415 with a problem body naming the parameter, as every other refusal. The body is always <c>application/json</c>.
/// </summary>
internal sealed class JsonBodyMetadata(Type requestType) : Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata
{
    public IReadOnlyList<string> ContentTypes => [];

    public Type? RequestType => requestType;

    public bool IsOptional => false;
}

using System;
using System.Collections.Generic;

namespace Sse.Runtime.AspNetCore;

/// <summary>Says that an endpoint accepts a JSON body of one type, for OpenAPI.</summary>
internal sealed class JsonBodyMetadata(Type requestType) : Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata
{
    private static readonly string[] JsonContentTypes = ["application/json"];

    public IReadOnlyList<string> ContentTypes => JsonContentTypes;

    public Type? RequestType => requestType;

    public bool IsOptional => false;
}

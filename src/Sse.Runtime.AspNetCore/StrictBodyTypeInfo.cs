using System.Runtime.CompilerServices;
#if NET9_0_OR_GREATER
using System.Text.Json;
#endif
using System.Text.Json.Serialization.Metadata;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// The JSON metadata a request body is read with: the contract's own, with nullable annotations and required
/// constructor parameters enforced, as the platform's <c>RespectNullableAnnotations</c> allows. A body that leaves out a
/// non-nullable constructor parameter, or sets a non-nullable property to null, fails with a JSON error that names it.
/// </summary>
internal static class StrictBodyTypeInfo
{
    private static readonly ConditionalWeakTable<JsonTypeInfo, JsonTypeInfo> Cache = new();

    public static JsonTypeInfo<T> For<T>(JsonTypeInfo<T> typeInfo)
    {
#if NET9_0_OR_GREATER
        if (typeInfo.Options.RespectNullableAnnotations && typeInfo.Options.RespectRequiredConstructorParameters)
        {
            return typeInfo;
        }

        return (JsonTypeInfo<T>)Cache.GetValue(typeInfo, static info =>
        {
            // A copy of the context's options keeps its resolver (the source-generated context), so no reflection is involved.
            var options = new JsonSerializerOptions(info.Options)
            {
                RespectNullableAnnotations = true,
                RespectRequiredConstructorParameters = true,
            };
            return options.GetTypeInfo(info.Type);
        });
#else
        // System.Text.Json 8 cannot enforce nullable annotations; the body is read as the contract's context says.
        _ = Cache;
        return typeInfo;
#endif
    }
}

namespace Sse.Generators.Model;

/// <summary>The topic a topic stream method subscribes to: its name template, split into parts.</summary>
/// <param name="Template">The template as written, for messages and docs.</param>
/// <param name="Parts">Literal text, method parameters and the user placeholder, in order.</param>
/// <param name="UserClaim">The claim <c>{user}</c> stands for, or <see langword="null"/> when the template has no <c>{user}</c>.</param>
internal sealed record TopicModel(string Template, EquatableArray<TopicPart> Parts, string? UserClaim);

/// <summary>A piece of a topic name template.</summary>
/// <param name="Text">The literal text, or the placeholder's name.</param>
/// <param name="ParameterName">For a parameter placeholder: the C# name of the method parameter whose value it takes.</param>
/// <param name="IsUser">Whether this is the <c>{user}</c> placeholder.</param>
internal readonly record struct TopicPart(string Text, string? ParameterName, bool IsUser)
{
    public bool IsLiteral => ParameterName is null && !IsUser;
}

/// <summary>What a command method returns: nothing (<c>Task</c>, answered 204) or a JSON result (<c>Task&lt;T&gt;</c>).</summary>
/// <param name="TypeFullName">The <c>global::</c>-qualified result type as declared, nullable annotation included.</param>
/// <param name="JsonTypeInfoProperty">The JSON context's property holding its <c>JsonTypeInfo</c>.</param>
/// <param name="IsNullableReference">Whether the declared type is a nullable reference type, whose metadata (of the non-nullable type) needs <c>!</c>.</param>
internal sealed record CommandResultModel(string TypeFullName, string JsonTypeInfoProperty, bool IsNullableReference)
{
    /// <summary>The type without a nullable reference annotation, as <c>typeof</c> takes it.</summary>
    public string TypeOfName => IsNullableReference ? TypeFullName.TrimEnd('?') : TypeFullName;

    /// <summary>The metadata expression, adjusted to the declared nullability.</summary>
    public string TypeInfo(string jsonContextFullName) => jsonContextFullName + ".Default." + JsonTypeInfoProperty + (IsNullableReference ? "!" : string.Empty);
}

/// <summary>What a contract method is.</summary>
internal enum MethodRole
{
    /// <summary>A stream the implementation produces: <c>IAsyncEnumerable&lt;T&gt;</c>.</summary>
    Stream,

    /// <summary>A topic subscription: <c>IAsyncEnumerable&lt;T&gt;</c> with <c>[SseTopic]</c>; no implementation.</summary>
    Topic,

    /// <summary>A command: <c>Task</c> or <c>Task&lt;T&gt;</c>, answered 204 or with a JSON result.</summary>
    Command,

    /// <summary>
    /// A run: <c>IAsyncEnumerable&lt;T&gt;</c> with <c>[SseRun]</c>, a POST whose work goes on under a server-issued id in
    /// the topic log; clients attach at <c>{route}/runs/{id}</c>.
    /// </summary>
    Run,
}

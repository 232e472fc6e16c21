using System;
using System.IO;
using System.Net.Sockets;
using Npgsql;

namespace Sse.Runtime.AspNetCore.PostgreSql;

/// <summary>Tells the failures that mean "the database cannot be reached now" from those of a request.</summary>
internal static class PostgreSqlFailures
{
    /// <summary>
    /// Whether the failure is the database's, not the request's: the connection failed or was cut, the server is
    /// starting, shutting down or out of connections (Npgsql's transient errors), or a wait timed out.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient || npgsql is not PostgresException,
        TimeoutException or IOException or SocketException => true,
        _ => false,
    };

    /// <summary>The failure as the hub understands it: <see cref="SseTopicLogUnavailableException"/> when the database cannot be reached.</summary>
    public static Exception Translate(Exception exception, string doing) =>
        IsUnavailable(exception)
            ? new SseTopicLogUnavailableException($"The PostgreSQL topic log cannot be reached while {doing}: {exception.Message}", exception)
            : exception;
}

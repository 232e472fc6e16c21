using System;
using System.Collections.Generic;
using System.Text;

namespace Sse.Generators.Emitting;

/// <summary>
/// Writes indented C#: <c>using (writer.Block("class C")) { ... }</c> opens and closes braces, and multi-line
/// raw strings are re-indented to the current level, so no emitter counts spaces.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";

    /// <summary>A call longer than this goes one argument per line.</summary>
    private const int MaxLineLength = 120;
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter WriteLine(string text = "")
    {
        if (text.Length == 0)
        {
            _builder.Append('\n');
            return this;
        }

        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.Length > 0)
            {
                for (var i = 0; i < _indent; i++)
                {
                    _builder.Append(IndentUnit);
                }

                _builder.Append(line);
            }

            _builder.Append('\n');
        }

        return this;
    }

    public IDisposable Block(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indent++;
        return new Closer(this, "}");
    }

    /// <summary>
    /// Writes <c>{call}({arguments}){end}</c> on one line when it fits in <see cref="MaxLineLength"/>, otherwise with one
    /// argument per line, indented under the call.
    /// </summary>
    public SourceWriter WriteCall(string call, IReadOnlyList<string> arguments, string end = ";")
    {
        var single = call + "(" + string.Join(", ", arguments) + ")" + end;
        if (arguments.Count == 0 || (_indent * IndentUnit.Length) + single.Length <= MaxLineLength)
        {
            return WriteLine(single);
        }

        WriteLine(call + "(");
        _indent++;
        for (var i = 0; i < arguments.Count; i++)
        {
            WriteLine(arguments[i] + (i < arguments.Count - 1 ? "," : ")" + end));
        }

        _indent--;
        return this;
    }

    /// <summary>Indents the lines written until disposal, without braces (a continued statement's arguments).</summary>
    public IDisposable Indent()
    {
        _indent++;
        return new Closer(this, null);
    }

    public override string ToString() => _builder.ToString();

    private sealed class Closer : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string? _closing;

        public Closer(SourceWriter writer, string? closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._indent--;
            if (_closing is not null)
            {
                _writer.WriteLine(_closing);
            }
        }
    }
}

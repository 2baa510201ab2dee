using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace ModelPack.Core.Engines;

/// <summary>
/// Hands arguments to a process without a shell. Runtimes that have ProcessStartInfo.ArgumentList
/// (.NET Core 2.1 and later, so every PowerShell 7) get the list as is; netstandard2.0 cannot name it, so
/// it is found by reflection. On .NET Framework (Windows PowerShell 5.1) the arguments are joined with
/// the quoting rules Windows programs parse argv with, which .NET on Unix also follows.
/// </summary>
internal static class CommandLine
{
    private static readonly char[] NeedQuoting = { ' ', '\t', '\n', '\v', '"' };
    private static readonly PropertyInfo? ArgumentListProperty = typeof(ProcessStartInfo).GetProperty("ArgumentList");

    public static void SetArguments(ProcessStartInfo startInfo, IReadOnlyList<string> args, bool forceQuotedString)
    {
        if (!forceQuotedString && ArgumentListProperty?.GetValue(startInfo) is Collection<string> list)
        {
            foreach (var arg in args)
            {
                list.Add(arg);
            }

            return;
        }

        startInfo.Arguments = Join(args);
    }

    /// <summary>The arguments as one string that parses back to exactly <paramref name="args"/>.</summary>
    public static string Join(IReadOnlyList<string> args)
    {
        var builder = new StringBuilder();
        foreach (var arg in args)
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            AppendQuoted(builder, arg);
        }

        return builder.ToString();
    }

    /// <summary>A readable rendering for messages: <c>podman version --format json</c>.</summary>
    public static string Display(string file, IReadOnlyList<string> args) => args.Count == 0 ? file : file + " " + Join(args);

    private static void AppendQuoted(StringBuilder builder, string arg)
    {
        if (arg.Length > 0 && arg.IndexOfAny(NeedQuoting) < 0)
        {
            builder.Append(arg);
            return;
        }

        builder.Append('"');
        var backslashes = 0;
        foreach (var c in arg)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            // Backslashes are literal unless they precede a quote: then each must be doubled and the quote escaped.
            builder.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            builder.Append(c);
            backslashes = 0;
        }

        // Before the closing quote, trailing backslashes must be doubled so they do not escape it.
        builder.Append('\\', backslashes * 2);
        builder.Append('"');
    }
}

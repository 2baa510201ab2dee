using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>
/// The <c>-As Argument</c> form: each mount's <see cref="ModelMount.Argument"/>, one command-line argument each,
/// in the syntax of the engine the mounts were made for (podman <c>--mount=type=...,destination=...,ro</c>,
/// docker <c>--mount=type=bind,...,dst=...,readonly</c>). They are never shell-quoted: pass them as argv
/// elements (<c>podman run @args image</c> in PowerShell), or quote them for a POSIX shell with <see cref="ForPosixShell"/>.
/// </summary>
public static class ArgumentRendering
{
    public static IReadOnlyList<string> Render(IReadOnlyList<ModelMount> mounts)
    {
        if (mounts is null)
        {
            throw new ArgumentNullException(nameof(mounts));
        }

        return mounts.Select(m => m.Argument).ToList();
    }

    /// <summary>The arguments as one line for sh/bash: each single-quoted when it holds anything the shell would interpret.</summary>
    public static string ForPosixShell(IReadOnlyList<ModelMount> mounts) =>
        string.Join(" ", Render(mounts).Select(QuoteForPosixShell));

    private static string QuoteForPosixShell(string argument)
    {
        var plain = argument.All(c => char.IsLetterOrDigit(c) || "-_=,./:@%+".IndexOf(c) >= 0);
        return plain ? argument : "'" + argument.Replace("'", "'\\''") + "'";
    }
}

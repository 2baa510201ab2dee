using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>
/// The <c>-As Argument</c> form: each mount's <see cref="ModelMount.Argument"/>, one command-line argument each,
/// in the syntax of the engine the mounts were made for (podman <c>--mount=type=...,destination=...,ro</c>,
/// docker <c>--mount=type=bind,...,dst=...,readonly</c>). They are never shell-quoted: pass them as argv
/// elements (<c>podman run @args image</c> in PowerShell).
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
}

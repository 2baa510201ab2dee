using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Engines;

/// <summary>Runs a program to completion; the seam that lets tests count or replace engine calls.</summary>
public interface IProcessRunner
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="args"/> passed as separate arguments (no shell),
    /// writes <paramref name="stdin"/> (or nothing) to its input, and returns its exit code and output.
    /// <paramref name="env"/> entries are added to the inherited environment; a null value removes a variable.
    /// </summary>
    /// <exception cref="Errors.ModelPackException">ProcessStartFailed, or ProcessTimedOut after the process tree was killed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the process tree was killed.</exception>
    Task<ProcessResult> RunAsync(
        string file,
        IReadOnlyList<string> args,
        string? stdin,
        IDictionary<string, string?>? env,
        TimeSpan timeout,
        CancellationToken cancellationToken);
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>A PSHost that records everything written to the console: formatted output, -WhatIf text, prompts.</summary>
public sealed class CapturingHost : PSHost
{
    private readonly CapturingUI _ui = new();
    private readonly Guid _id = Guid.NewGuid();

    public override CultureInfo CurrentCulture => CultureInfo.GetCultureInfo("en-US");

    public override CultureInfo CurrentUICulture => CultureInfo.GetCultureInfo("en-US");

    public override Guid InstanceId => _id;

    public override string Name => "ModelPackTestHost";

    public override PSHostUserInterface UI => _ui;

    public override Version Version => new(1, 0);

    /// <summary>Everything written to the host so far, ANSI stripped.</summary>
    public string Text => _ui.Text;

    /// <summary>Answers ShouldContinue/ShouldProcess prompts with this choice index (0 = Yes).</summary>
    public int PromptChoice { get => _ui.Choice; set => _ui.Choice = value; }

    public int PromptCount => _ui.Prompts;

    public void Clear() => _ui.Clear();

    public override void EnterNestedPrompt() => throw new NotSupportedException();

    public override void ExitNestedPrompt() => throw new NotSupportedException();

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode)
    {
    }

    private sealed class CapturingUI : PSHostUserInterface
    {
        private readonly StringBuilder _text = new();
        private readonly ModelPack.Hosting.FixedRawUserInterface _raw = new(200, 100);

        public int Choice { get; set; }

        public int Prompts { get; private set; }

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override PSHostRawUserInterface RawUI => _raw;

        public void Clear()
        {
            lock (_text)
            {
                _text.Clear();
            }
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException("Prompt: " + message);

        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts++;
            Append(caption + Environment.NewLine + message + Environment.NewLine);
            return Choice;
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new NotSupportedException();

        public override string ReadLine() => string.Empty;

        public override SecureString ReadLineAsSecureString() => new();

        public override void Write(string value) => Append(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);

        public override void WriteLine(string value) => Append(value + Environment.NewLine);

        public override void WriteErrorLine(string value) => Append("ERROR: " + value + Environment.NewLine);

        public override void WriteDebugLine(string message) => Append("DEBUG: " + message + Environment.NewLine);

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + Environment.NewLine);

        public override void WriteWarningLine(string message) => Append("WARNING: " + message + Environment.NewLine);

        private void Append(string value)
        {
            lock (_text)
            {
                _text.Append(GetOutputString(value, supportsVirtualTerminal: false));
            }
        }
    }
}

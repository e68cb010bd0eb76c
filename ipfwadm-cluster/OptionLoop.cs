using ClusterControl;
using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>
/// ipfwadm's option loop (docs/ipfwadm-spec.md §2.1): options are taken left to right and the first error wins.
/// A repeated option letter is caught before its argument is read; a second command before its
/// policy word is read. <c>-h</c> prints the help at once.
/// </summary>
public sealed class OptionLoop(IReadOnlyList<string> args, string program)
{
    private const string WithArgument = "spPSDVWt";
    private const string AllOptions = "AFIMOadilzfs:p:chP:S:D:V:W:bekmnort:vxy";
    public const int MaxPorts = 10;

    private readonly ParsedCommandLine _line = new();

    /// <summary>Parses the line, or returns null when the help was asked for (already printed).</summary>
    public ParsedCommandLine? Run()
    {
        var getopt = new GnuGetopt(args, WithArgument, AllOptions.Replace(":", ""), program);
        while (getopt.Next(out char option, out string? argument))
        {
            switch (option)
            {
                case 'A':
                    SetCategory(option);
                    if (getopt.TryTakeWord(out string direction))
                    {
                        if (!Keywords.TryDirection(direction, out var parsed)) throw Error($"invalid direction \"{direction}\" specified");
                        _line.Direction = parsed;
                    }
                    break;
                case 'F' or 'I' or 'O' or 'M':
                    SetCategory(option);
                    break;
                case 'a' or 'i' or 'd':
                    SetCommand(option);
                    if (getopt.TryTakeWord(out string policy)) SetPolicy(policy, allowCluster: true);
                    break;
                case 'l' or 'z':
                    if (_line.Command is { } current && (current is not ('l' or 'z') || current == option || _line.ListAndZero))
                        throw Error("multiple commands specified");
                    _line.ListAndZero = _line.Command is not null;
                    _line.Command = 'l';
                    if (!_line.ListAndZero && option == 'z') _line.Command = 'z';
                    break;
                case 'f' or 'c':
                    SetCommand(option);
                    break;
                case 'p':
                    SetCommand(option);
                    SetPolicy(argument!, allowCluster: false);
                    break;
                case 's':
                    SetCommand(option);
                    if (!getopt.TryTakeWord(out string fin) || !getopt.TryTakeWord(out string udp))
                        throw Error("-s requires 3 timeout values");
                    _line.Timeouts = new MasqueradeTimeouts(Timeout(argument!), Timeout(fin), Timeout(udp));
                    break;
                case 'h':
                    Console.Out.Write(HelpText.For(program));
                    return null;
                case 'P':
                    Once(option);
                    if (!Keywords.TryProtocol(argument!, out var protocol)) throw Error($"invalid protocol \"{argument}\" specified");
                    _line.Protocol = protocol;
                    break;
                case 'S' or 'D':
                    Once(option);
                    var side = option == 'S' ? _line.Source : _line.Destination;
                    side.Address = argument;
                    while (getopt.TryTakeWord(out string port)) StorePort(side, port);
                    break;
                case 'V':
                    Once(option);
                    _line.InterfaceAddress = ViaAddress(argument!);
                    break;
                case 'W':
                    Once(option);
                    _line.Interface = argument!.Length > 16 ? argument[..16] : argument; // strncpy into IFNAMSIZ
                    break;
                case 'r':
                    Once(option);
                    _line.RedirectPortWord = getopt.TryTakeWord(out string redirect) ? redirect : null;
                    break;
                case 't':
                    Once(option);
                    if (!getopt.TryTakeWord(out string xor)) throw Error("-t requires 2 hexbyte arguments");
                    _line.TosAnd = HexByte(argument!);
                    _line.TosXor = HexByte(xor);
                    break;
                default: // b e k m n o v x y
                    Once(option);
                    break;
            }
        }
        _line.Strays = getopt.Strays;
        return _line;
    }

    private IpfwadmExit Error(string message) => IpfwadmExit.Error(program, message);

    private void SetCategory(char category)
    {
        if (_line.Category is not null) throw Error("multiple categories specified");
        _line.Category = category;
    }

    private void SetCommand(char command)
    {
        if (_line.Command is not null) throw Error("multiple commands specified");
        _line.Command = command;
    }

    private void Once(char option)
    {
        if (!_line.Options.Add(option)) throw Error($"multiple -{option} flags not allowed");
    }

    private void SetPolicy(string word, bool allowCluster)
    {
        if (!Keywords.TryPolicy(word, allowCluster, out var policy, out bool masquerade))
            throw Error($"invalid policy \"{word}\" specified");
        _line.Policy = policy;
        if (masquerade) Once('m');
    }

    private void StorePort(SideWords side, string word)
    {
        if (word.Contains(':'))
        {
            if (side.HasRange) throw Error("multiple ranges not allowed");
            side.HasRange = true;
        }
        side.Ports.Add(word);
        if (_line.Source.Slots + _line.Destination.Slots > MaxPorts) throw Error($"too many ports specified (maximum {MaxPorts})");
    }

    private int Timeout(string word) =>
        CNumbers.TryStrtol(word, 10, out long value) && value is >= 0 and <= int.MaxValue
            ? (int)value
            : throw Error($"invalid timeout value \"{word}\" specified");

    private byte HexByte(string word) =>
        CNumbers.TryStrtol(word, 16, out long value) && value is >= 0 and <= 255
            ? (byte)value
            : throw Error($"invalid hexbyte \"{word}\" specified");

    /// <summary>-V: a dotted quad, else a host name that names exactly one address.</summary>
    private Ipv4Address ViaAddress(string word)
    {
        if (Addresses.TryDottedQuad(word, out var address)) return address;
        var found = NameDatabase.HostAddresses(word);
        return found.Count switch
        {
            0 => throw Error($"host \"{word}\" not found"),
            1 => found[0],
            _ => throw Error($"hostname \"{word}\" does not specify a unique address"),
        };
    }
}

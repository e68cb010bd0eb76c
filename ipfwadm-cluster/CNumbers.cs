namespace Ipfwadm;

/// <summary>
/// Numbers read the way ipfwadm read them, with C's strtol: leading blanks and a sign allowed,
/// an optional 0x in base 16, at least one digit, and nothing left over.
/// </summary>
public static class CNumbers
{
    public static bool TryStrtol(string text, int numberBase, out long value)
    {
        value = 0;
        int i = 0;
        while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') i++;
        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-') negative = text[i++] == '-';
        if (numberBase == 16 && i + 2 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X' && Uri.IsHexDigit(text[i + 2]))
            i += 2;
        int digits = 0;
        for (; i < text.Length; i++, digits++)
        {
            int digit = Digit(text[i]);
            if (digit < 0 || digit >= numberBase) break;
            value = Math.Min(value * numberBase + digit, int.MaxValue + 1L);
        }
        if (negative) value = -value;
        return digits > 0 && i == text.Length;
    }

    private static int Digit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}

namespace ClusterControl;

/// <summary>Pool device names: "pool" followed by a decimal number, as the original pool0, pool1, ….</summary>
public static class PoolName
{
    public const string Prefix = "pool";
    public const string First = "pool0";

    /// <summary>The largest pool number; it keeps names short and numbers usable in packet marks.</summary>
    public const int MaxNumber = 255;

    public static bool TryGetNumber(string? name, out int number)
    {
        number = -1;
        if (name is null || !name.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var digits = name.AsSpan(Prefix.Length);
        if (digits.Length is 0 or > 3 || (digits.Length > 1 && digits[0] == '0')) return false;
        foreach (char c in digits) if (c is < '0' or > '9') return false;
        number = int.Parse(digits);
        return number <= MaxNumber;
    }

    public static bool IsValid(string? name) => TryGetNumber(name, out _);

    /// <summary>Orders pools by number, so pool2 lists before pool10.</summary>
    public static int Compare(string a, string b)
    {
        TryGetNumber(a, out int x);
        TryGetNumber(b, out int y);
        return x != y ? x.CompareTo(y) : string.CompareOrdinal(a, b);
    }
}

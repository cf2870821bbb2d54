namespace Pipeline.Benchmarks.Load;

/// <summary>
/// CPU time spent on this machine, by who spent it: this process (the hosts and the load generator), PostgreSQL, the
/// broker, and the machine as a whole, read from Linux's <c>/proc</c>. A request's cost on the shared cores includes
/// the servers' work for it, which the process's own CPU leaves out.
/// </summary>
public sealed record CpuSplit(TimeSpan Process, TimeSpan Database, TimeSpan Broker, TimeSpan MachineBusy, TimeSpan MachineTotal)
{
    // USER_HZ, the unit of /proc's CPU times: fixed at 100 by the kernel's ABI on every architecture .NET runs on.
    private const double TicksPerSecond = 100;
    private static readonly string[] DatabaseProcesses = ["postgres"];
    private static readonly string[] BrokerProcesses = ["beam.smp", "erl_child_setup", "epmd", "inet_gethost"];

    /// <summary>Everything busy that is neither this process nor the servers (the kernel's own threads, other programs).</summary>
    public TimeSpan Other => MachineBusy - Process - Database - Broker;

    /// <summary>One line: each part's milliseconds per request and the machine's busy share.</summary>
    public string PerRequest(int requests)
    {
        var n = Math.Max(1, requests);
        return $"CPU per request: process {Process.TotalMilliseconds / n:0.00}, PostgreSQL {Database.TotalMilliseconds / n:0.00}, " +
            $"broker {Broker.TotalMilliseconds / n:0.00}, other {Other.TotalMilliseconds / n:0.00} ms; machine busy {100 * MachineBusy / MachineTotal:0} %";
    }

    /// <summary>The CPU times so far, to measure from; null where there is no <c>/proc</c>.</summary>
    public static Snapshot? Take() => File.Exists("/proc/stat") ? Snapshot.Read() : null;

    /// <summary>Each process's CPU time and the machine's, at one moment.</summary>
    public sealed class Snapshot
    {
        private readonly Dictionary<int, (string Name, long Ticks)> _processes;
        private readonly long _busy;
        private readonly long _total;

        private Snapshot(Dictionary<int, (string Name, long Ticks)> processes, long busy, long total) =>
            (_processes, _busy, _total) = (processes, busy, total);

        internal static Snapshot Read()
        {
            var processes = new Dictionary<int, (string Name, long Ticks)>();
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), out var pid) && ProcessTicks(pid) is { } found)
                    processes[pid] = found;
            }

            // cpu user nice system idle iowait irq softirq steal (guest time is already counted in user).
            var machine = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9].Select(long.Parse).ToArray();
            var total = machine.Sum();
            return new Snapshot(processes, total - machine[3] - machine[4], total);
        }

        /// <summary>
        /// What was spent from <paramref name="before"/> to this snapshot. Per process, so that one which ended in
        /// between takes its earlier time with it instead of being subtracted; its time in the window is then missed,
        /// and counts as the machine's other work.
        /// </summary>
        public CpuSplit Since(Snapshot before)
        {
            var (process, database, broker) = (0L, 0L, 0L);
            foreach (var (pid, (name, ticks)) in _processes)
            {
                var spent = ticks - (before._processes.TryGetValue(pid, out var earlier) && earlier.Name == name ? earlier.Ticks : 0);
                if (pid == Environment.ProcessId)
                    process += spent;
                else if (DatabaseProcesses.Contains(name))
                    database += spent;
                else if (BrokerProcesses.Contains(name))
                    broker += spent;
            }

            return new CpuSplit(Time(process), Time(database), Time(broker), Time(_busy - before._busy), Time(_total - before._total));
        }
    }

    private static (string Name, long Ticks)? ProcessTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            // Gone since the directory was listed.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (name) state ..."; the name may hold spaces or parentheses, so the fields start after the last ')'.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        // utime and stime are the 14th and 15th fields, the 12th and 13th after the name.
        return (stat[(open + 1)..close], long.Parse(fields[11]) + long.Parse(fields[12]));
    }

    private static TimeSpan Time(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);
}

using System;
using System.Collections.Generic;
using System.Threading;

namespace Sse.Runtime.AspNetCore;

/// <summary>
/// One timer for every stream of one heartbeat interval: every half interval it looks at each registered stream and,
/// for those that wrote nothing for a whole interval, asks for a heartbeat (the stream writes it itself, between
/// frames). So a waiting stream costs no timer or allocation per wait.
/// </summary>
internal sealed class SseHeartbeats : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<TimeSpan, Wheel> _wheels = new();

    private static readonly SseHeartbeats Shared = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TimeProvider, SseHeartbeats> PerTimeProvider = new();

    public SseHeartbeats(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// The heartbeat timers of an application: the registered ones (<c>AddSseHub</c>), else one per registered
    /// <see cref="TimeProvider"/> (a fake clock in tests), else the process's shared ones. Streams work without any
    /// registration.
    /// </summary>
    public static SseHeartbeats For(IServiceProvider services) =>
        services.GetService(typeof(SseHeartbeats)) as SseHeartbeats
        ?? (services.GetService(typeof(TimeProvider)) is TimeProvider time && time != TimeProvider.System
            ? PerTimeProvider.GetValue(time, static t => new SseHeartbeats(t))
            : Shared);

    /// <summary>Registers a stream; dispose the result when the stream ends.</summary>
    /// <param name="interval">The stream's heartbeat interval.</param>
    /// <param name="onDue">Asks the stream for a heartbeat; it must return quickly.</param>
    public Registration Register(TimeSpan interval, Action onDue)
    {
        Wheel wheel;
        lock (_wheels)
        {
            if (!_wheels.TryGetValue(interval, out wheel!))
            {
                wheel = new Wheel(_timeProvider, interval);
                _wheels.Add(interval, wheel);
            }
        }

        return wheel.Add(onDue);
    }

    public void Dispose()
    {
        lock (_wheels)
        {
            foreach (var wheel in _wheels.Values)
            {
                wheel.Dispose();
            }

            _wheels.Clear();
        }
    }

    /// <summary>A stream's place on a timer: it records when it last wrote.</summary>
    internal sealed class Registration : IDisposable
    {
        private readonly Wheel _wheel;

        internal Registration(Wheel wheel, Action onDue, long now)
        {
            _wheel = wheel;
            OnDue = onDue;
            LastWrite = now;
        }

        internal Action OnDue { get; }

        internal long LastWrite;

        internal int Index = -1;

        /// <summary>Records that the stream wrote (an event or a heartbeat).</summary>
        public void Wrote(long timestamp) => Volatile.Write(ref LastWrite, timestamp);

        public void Dispose() => _wheel.Remove(this);
    }

    internal sealed class Wheel : IDisposable
    {
        private readonly TimeProvider _timeProvider;
        private readonly TimeSpan _interval;
        private readonly List<Registration> _streams = new();
        private readonly List<Action> _due = new();
        private readonly ITimer _timer;
        private int _ticking;

        public Wheel(TimeProvider timeProvider, TimeSpan interval)
        {
            _timeProvider = timeProvider;
            _interval = interval;
            var period = interval / 2;
            _timer = timeProvider.CreateTimer(static state => ((Wheel)state!).Tick(), this, period, period);
        }

        public Registration Add(Action onDue)
        {
            var registration = new Registration(this, onDue, _timeProvider.GetTimestamp());
            lock (_streams)
            {
                registration.Index = _streams.Count;
                _streams.Add(registration);
            }

            return registration;
        }

        public void Remove(Registration registration)
        {
            lock (_streams)
            {
                var index = registration.Index;
                if (index < 0)
                {
                    return;
                }

                // Swap with the last: O(1) removal.
                var last = _streams[^1];
                _streams[index] = last;
                last.Index = index;
                _streams.RemoveAt(_streams.Count - 1);
                registration.Index = -1;
            }
        }

        public void Dispose() => _timer.Dispose();

        /// <summary>
        /// Asks every stream that wrote nothing for an interval for a heartbeat. The due streams are gathered into a list
        /// kept from tick to tick (so a tick over 100,000 idle streams allocates nothing) and asked outside the lock; a
        /// tick that finds the previous one still running is skipped.
        /// </summary>
        private void Tick()
        {
            if (Interlocked.Exchange(ref _ticking, 1) == 1)
            {
                return;
            }

            try
            {
                lock (_streams)
                {
                    foreach (var stream in _streams)
                    {
                        if (_timeProvider.GetElapsedTime(Volatile.Read(ref stream.LastWrite)) >= _interval)
                        {
                            _due.Add(stream.OnDue);
                        }
                    }
                }

                foreach (var onDue in _due)
                {
                    onDue();
                }
            }
            finally
            {
                _due.Clear(); // no stream stays reachable from the timer
                Volatile.Write(ref _ticking, 0);
            }
        }
    }
}

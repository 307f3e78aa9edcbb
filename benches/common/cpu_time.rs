//! A criterion measurement of the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`) instead
//! of wall time. The machine these benches run on is shared (2 cores, several builds at once):
//! wall time then counts the time the thread waits for a core, CPU time counts only the time it
//! runs, which is what "throughput on one core" means. Caches are still shared, so the numbers
//! stay somewhat noisy; callgrind instruction counts are the stable complement.

use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};
use std::time::Duration;

pub struct ThreadCpuTime;

fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec; the call only writes into it.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu_time()
    }
    fn end(&self, start: Duration) -> Duration {
        thread_cpu_time().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuTimeFormatter
    }
}

struct CpuTimeFormatter;

/// Picks a unit for `typical` among `units` (each 1000 or 1024 times the previous) and scales.
fn scale(typical: f64, values: &mut [f64], step: f64, units: &[&'static str]) -> &'static str {
    let mut factor = 1.0;
    let mut unit = units[0];
    for &next in &units[1..] {
        if typical * factor < step {
            break;
        }
        factor /= step;
        unit = next;
    }
    values.iter_mut().for_each(|v| *v *= factor);
    unit
}

impl ValueFormatter for CpuTimeFormatter {
    fn scale_values(&self, typical_ns: f64, values: &mut [f64]) -> &'static str {
        scale(typical_ns, values, 1000.0, &["ns cpu", "µs cpu", "ms cpu", "s cpu"])
    }

    fn scale_throughputs(&self, typical_ns: f64, throughput: &Throughput, values: &mut [f64]) -> &'static str {
        let (amount, step, units): (f64, f64, &[&'static str]) = match *throughput {
            Throughput::Bytes(bytes) => (bytes as f64, 1024.0, &["B/s", "KiB/s", "MiB/s", "GiB/s"]),
            Throughput::BytesDecimal(bytes) => (bytes as f64, 1000.0, &["B/s", "KB/s", "MB/s", "GB/s"]),
            Throughput::Bits(bits) => (bits as f64, 1000.0, &["b/s", "Kb/s", "Mb/s", "Gb/s"]),
            Throughput::Elements(elements) | Throughput::ElementsAndBytes { elements, .. } => {
                (elements as f64, 1000.0, &["elem/s", "Kelem/s", "Melem/s", "Gelem/s"])
            }
        };
        let per_second = |ns: f64| amount * 1e9 / ns;
        let typical = per_second(typical_ns);
        values.iter_mut().for_each(|v| *v = per_second(*v));
        scale(typical, values, step, units)
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

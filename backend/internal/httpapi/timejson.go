package httpapi

import "time"

// appendJSONTime is time.Time's MarshalJSON: RFC 3339 with nanoseconds as
// needed; ok is false outside years 0-9999, which MarshalJSON refuses.
// The store hands out UTC times, and formatting them took a tenth of the
// list's CPU in time.AppendFormat (make bench-backend-profile, list.cpu.pprof):
// UTC is written here from the Unix time directly; other zones take the
// standard library's path.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if t.Location() == time.UTC {
		// The range by Unix time: t.Year() alone showed at a quarter of this function.
		if secs := t.Unix(); secs < unixYear0 || secs >= unixYear10000 {
			return b, false
		}
		b = append(b, '"')
		b = appendRFC3339NanoUTC(b, t)
		return append(b, '"'), true
	}
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// unixYear0 and unixYear10000 are 0000-01-01 and 10000-01-01 in UTC, in Unix seconds.
const (
	unixYear0     = -62167219200
	unixYear10000 = 253402300800
)

// secondsPerDay, and the days from 0000-03-01 to 1970-01-01 in the
// proleptic Gregorian calendar: civil dates are counted from a March 1st so
// that the leap day ends each 400-year era.
const (
	secondsPerDay   = 86400
	daysTo1970      = 719468
	daysPer400Years = 146097
)

// appendRFC3339NanoUTC writes t (in UTC, years 0-9999) as
// 2006-01-02T15:04:05.999999999Z, the fraction without trailing zeros.
// Digits go two at a time into one array, appended once: appending them one
// by one cost as much as the standard library's own formatting.
func appendRFC3339NanoUTC(b []byte, t time.Time) []byte {
	secs := t.Unix()
	days := secs / secondsPerDay
	rem := int(secs % secondsPerDay)
	if rem < 0 {
		days, rem = days-1, rem+secondsPerDay
	}
	year, month, day := civilDate(days)
	var s [30]byte // 2006-01-02T15:04:05.999999999Z
	put2(s[0:], year/100)
	put2(s[2:], year%100)
	s[4] = '-'
	put2(s[5:], month)
	s[7] = '-'
	put2(s[8:], day)
	s[10] = 'T'
	put2(s[11:], rem/3600)
	s[13] = ':'
	put2(s[14:], rem/60%60)
	s[16] = ':'
	put2(s[17:], rem%60)
	n := 19
	if ns := t.Nanosecond(); ns != 0 {
		s[19] = '.'
		s[28] = byte('0' + ns%10)
		ns /= 10
		for i := 26; i >= 20; i -= 2 {
			put2(s[i:], ns%100)
			ns /= 100
		}
		n = 29
		for s[n-1] == '0' {
			n--
		}
	}
	s[n] = 'Z'
	return append(b, s[:n+1]...)
}

// civilDate turns days since 1970-01-01 into year, month, day: Howard
// Hinnant's civil_from_days ("chrono-Compatible Low-Level Date Algorithms").
func civilDate(days int64) (year, month, day int) {
	z := days + daysTo1970
	era := z / daysPer400Years
	if z < 0 && z%daysPer400Years != 0 {
		era--
	}
	doe := z - era*daysPer400Years                         // day of era, 0-146096
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of era, 0-399
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // day of the March-based year, 0-365
	mp := (5*doy + 2) / 153                                // March-based month, 0-11
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day
}

const twoDigits = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" +
	"60616263646566676869" + "70717273747576777879" + "80818283848586878889" + "90919293949596979899"

// put2 writes n (0-99) as two digits.
func put2(b []byte, n int) {
	b[0], b[1] = twoDigits[2*n], twoDigits[2*n+1]
}

package textlines

import "testing"

func TestHeadAndTailSayWhatTheyLeftOut(t *testing.T) {
	const text = "1\n2\n3\n4\n5\n"
	for _, tc := range []struct{ name, got, want string }{
		{"head", Head(text, 2), "1\n2\n... (3 more lines)"},
		{"tail", Tail(text, 2), "... (3 lines above)\n4\n5"},
		{"short head", Head(text, 5), "1\n2\n3\n4\n5"},
		{"short tail", Tail("only\n", 3), "only"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

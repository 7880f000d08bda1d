// Fixture for label_guard_self_test.sh: the lines with the marker word at the end must be reported.
//   QX.WAIT1  a prefixed, listed label: fine.
// QX.INV2 and QX.WAIT1 again, and registers X19, XMM6, D8 and AAPCS64, T0 and S1: fine.
// A bare PARK1 here. flag
int f(int x) {
  return x + 1;  // relies on INV1 flag
}
const char* message = "a label in a string (SEM1) is not a comment";
/* a block comment with CLAIM2 flag
   spanning lines with WAIT4 flag */
// QX.PARK7 is prefixed but not listed in the index. flag
int g() { return 2; }  // QX.WAIT1: fine; "quoted LOCK3" in a comment is still a comment flag

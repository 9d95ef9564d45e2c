#include "test.h"
int main(void) { TEST_DONE(); }

// Compiled in one layer's scope (that layer's include roots only) with HOPELAB_PROBE_HEADER
// naming one header. A header of the layer or one below must build; one above must not.
#include HOPELAB_PROBE_HEADER

int hopelab_layer_probe() { return 0; }

/* library.c: C declarations. */
#include <stdio.h>

#define BUFFER_SIZE 256

typedef struct node {
  int value;
  struct node* next;
} node_t, *node_ptr;

typedef enum { STATE_IDLE, STATE_BUSY } state_t;

typedef int (*compare_fn)(const void*, const void*);

struct list {
  node_t* head;
};

enum mode { MODE_READ = 1, MODE_WRITE = 2 };

static const int kRetries = 3;
const char* greeting = "hello // world";

/** Adds a node. Returns 0 on success. */
int list_add(struct list* list, int value);

static int compare(const void* a, const void* b) {
  return *(const int*)a - *(const int*)b;
}

struct list* list_new(void) {
  char c = '{';  /* a brace in a char */
  return NULL;
}

int main(int argc, char** argv) {
  printf("%s /* not a comment */\n", argv[0]);
  return 0;
}

/* Macro calls that look like prototypes. */
extern FILE *__REDIRECT (tmpfile, (void), tmpfile64);
static struct list global_list LIST_INIT(3);

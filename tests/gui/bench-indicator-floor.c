/* bench-indicator-floor.c - the floor for tests/gui/bench-applet.py: the least a GTK3 program
 * needs to show an AppIndicator with a menu, nothing else
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-indicator-floor TITLE LABEL... ; a LABEL of "-" is a separator. The benchmark
 * passes the applet's own top-level menu (labels and separators, in order), so both menus have
 * the same length. Built by the benchmark with
 *   cc -O2 bench-indicator-floor.c $(pkg-config --cflags --libs ayatana-appindicator3-0.1)
 * The entries do nothing but quit on "Quit". Ends on SIGTERM like the applet.
 */
#include <glib-unix.h>
#include <gtk/gtk.h>
#include <libayatana-appindicator/app-indicator.h>
#include <string.h>

static void
quit_cb (GtkMenuItem *item,
         gpointer     user_data)
{
  gtk_main_quit ();
}

static gboolean
sigterm_cb (gpointer user_data)
{
  gtk_main_quit ();
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  AppIndicator *indicator;
  GtkWidget *menu;

  gtk_init (&argc, &argv);
  if (argc < 2)
    {
      g_printerr ("usage: %s TITLE LABEL...\n", argv[0]);
      return 2;
    }
  g_unix_signal_add (SIGTERM, sigterm_cb, NULL);

  indicator = app_indicator_new ("org.cryptdiskimage.BenchFloor",
                                 "org.cryptdiskimage.CryptDiskImage-symbolic",
                                 APP_INDICATOR_CATEGORY_APPLICATION_STATUS);
  app_indicator_set_status (indicator, APP_INDICATOR_STATUS_ACTIVE);
  app_indicator_set_title (indicator, argv[1]);

  menu = gtk_menu_new ();
  for (int i = 2; i < argc; i++)
    {
      GtkWidget *item = strcmp (argv[i], "-") == 0 ? gtk_separator_menu_item_new ()
                                                   : gtk_menu_item_new_with_label (argv[i]);
      if (strcmp (argv[i], "Quit") == 0)
        g_signal_connect (item, "activate", G_CALLBACK (quit_cb), NULL);
      gtk_menu_shell_append (GTK_MENU_SHELL (menu), item);
    }
  gtk_widget_show_all (menu);
  app_indicator_set_menu (indicator, GTK_MENU (menu));

  gtk_main ();
  g_object_unref (indicator);
  return 0;
}

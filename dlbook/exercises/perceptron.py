"""Exercises on the perceptron learning rule and on counting a network's parameters."""

import numpy as np

from dlbook.exercises.core import Exercise, match_array, match_int, register

register(
    Exercise(
        id="perceptron-update",
        title="One step of the perceptron rule",
        # w = [0.5, -0.5], b = 0, x = [1, 1], y = 0, lr = 0.1: the unit fires (w.x + b = 0 >= 0),
        # so the error y - y_hat = -1 moves w and b by -lr * x and -lr.
        answer=np.array([0.4, -0.6, -0.1]),
        matcher=match_array(rtol=0, atol=1e-9),
        hints=(
            "first compute the prediction: the step function of w . x + b, with step(0) = 1.",
            "the rule is w <- w + lr * (y - y_hat) * x and b <- b + lr * (y - y_hat).",
            "answer with one array [w1, w2, b].",
        ),
        solution=(
            "w, b, x, y, lr = np.array([0.5, -0.5]), 0.0, np.array([1.0, 1.0]), 0, 0.1\n"
            "y_hat = int(w @ x + b >= 0)          # 1: the unit fires\n"
            "w_new = w + lr * (y - y_hat) * x     # [0.4, -0.6]\n"
            "b_new = b + lr * (y - y_hat)         # -0.1\n"
            "answer = np.array([*w_new, b_new])\n"
        ),
    )
)

register(
    Exercise(
        id="lenet5-parameters",
        title="Parameters of LeNet-5",
        # conv 1->6 (5x5): 156; conv 6->16 (5x5): 2,416; dense 400->120: 48,120;
        # dense 120->84: 10,164; dense 84->10: 850.
        answer=61_706,
        matcher=match_int(),
        hints=(
            "a convolution with c_out filters of size k x k on c_in channels has c_out * (c_in * k * k + 1) parameters.",
            "a dense layer from n to m units has n * m weights and m biases.",
        ),
        solution=(
            "conv1 = 6 * (1 * 5 * 5 + 1)      # 156\n"
            "conv2 = 16 * (6 * 5 * 5 + 1)     # 2,416\n"
            "fc1 = 16 * 5 * 5 * 120 + 120     # 48,120\n"
            "fc2 = 120 * 84 + 84              # 10,164\n"
            "fc3 = 84 * 10 + 10               # 850\n"
            "answer = conv1 + conv2 + fc1 + fc2 + fc3   # 61,706\n"
        ),
    )
)
